"""HTTP of the platform as a PACT client: Action Authenticate (OpenID configuration first,
then ``{auth base}/auth/token``), ListFootprints with its ``Link: rel="next"`` pages,
GetFootprint, and Action Events.

Only transport lives here; what is stored and decided is in ``exchange.partners.services``.
Every failure is a ``PartnerUnreachable`` (network, TLS, timeout, 5xx: trying later may help)
or a ``PartnerRefused`` (the partner answered 4xx: it will answer so again), each with a
message that names the URL and what came back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

from core.crypto import sha256_hex
from exchange.partners.models import PactPartner

#: Largest response body read from a partner (a page of footprints).
MAX_BODY_BYTES = 20 * 1024 * 1024
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?', re.IGNORECASE)


class PartnerError(Exception):
    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class PartnerUnreachable(PartnerError):
    """Network, TLS, timeout or a 5xx answer: trying again later may succeed."""


class PartnerRefused(PartnerError):
    """A 4xx answer: the partner refused the call (credentials, access, an unknown id)."""


@dataclass(frozen=True)
class Page:
    documents: list[bytes]
    next_url: str | None
    url: str


def _verify() -> str | bool:
    return settings.PACT_CA_BUNDLE or True


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "CBAM-Exchange-PACT-client/3"
    session.verify = _verify()
    return session


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme != "https" and not (scheme == "http" and settings.PACT_PARTNER_ALLOW_HTTP):
        raise PartnerRefused(f"{url}: PACT partners are called over HTTPS only.")


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    _check_scheme(url)
    try:
        with _session() as session:
            # ``verify`` on the call, not only on the session: requests lets REQUESTS_CA_BUNDLE
            # or CURL_CA_BUNDLE of the environment replace a session's ``verify``, and the
            # partner's certificate (PACT_CA_BUNDLE) would then not be trusted.
            response = session.request(
                method,
                url,
                timeout=settings.PACT_HTTP_TIMEOUT_SECONDS,
                stream=True,
                verify=_verify(),
                **kwargs,
            )
            body = response.raw.read(MAX_BODY_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise PartnerUnreachable(f"{method} {url}: {type(error).__name__}: {error}") from error
    if len(body) > MAX_BODY_BYTES:
        raise PartnerRefused(f"{method} {url}: the answer is larger than {MAX_BODY_BYTES} bytes.")
    response._content = body
    if response.status_code >= 500:
        raise PartnerUnreachable(
            f"{method} {url} answered {response.status_code}: {_excerpt(body)}",
            status=response.status_code,
            code=_error_code(body),
        )
    if response.status_code >= 400:
        raise PartnerRefused(
            f"{method} {url} answered {response.status_code}: {_excerpt(body)}",
            status=response.status_code,
            code=_error_code(body),
        )
    return response


def _excerpt(body: bytes) -> str:
    text = body[:300].decode("utf-8", "replace").strip()
    return text or "(empty)"


def _error_code(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    code = parsed.get("code") if isinstance(parsed, dict) else None
    return code if isinstance(code, str) else ""


def api_url(partner: PactPartner, action: str) -> str:
    """``{base_url}/3/<action>``."""
    return f"{partner.base_url.rstrip('/')}/3/{action}"


def token_url(partner: PactPartner) -> str:
    """The token endpoint: the partner's OpenID configuration names it; without one,
    ``{auth base}/auth/token`` (PACT v3 "Authentication Flow")."""
    auth_base = (partner.auth_base_url or partner.base_url).rstrip("/")
    try:
        response = _send("GET", f"{auth_base}/.well-known/openid-configuration")
        endpoint = response.json().get("token_endpoint")
    except (PartnerError, ValueError, AttributeError):
        endpoint = None
    if isinstance(endpoint, str) and endpoint:
        return endpoint
    return f"{auth_base}/auth/token"


def _token_cache_key(partner: PactPartner) -> str:
    secret_digest = sha256_hex(f"{partner.client_id}\n{partner.secret_encrypted}")
    return f"pact-partner-token:{partner.pk}:{secret_digest[:16]}"


def access_token(partner: PactPartner, *, fresh: bool = False) -> str:
    """A bearer token from the partner (client credentials, HTTP Basic), kept in the cache
    until shortly before it expires; ``fresh`` asks for a new one."""
    key = _token_cache_key(partner)
    if not fresh:
        cached = cache.get(key)
        if cached:
            return str(cached)
    url = token_url(partner)
    response = _send(
        "POST",
        url,
        data={"grant_type": "client_credentials"},
        auth=(partner.client_id, partner.secret()),
        headers={"Accept": "application/json"},
    )
    try:
        answer = response.json()
        token = answer["access_token"]
        lifetime = int(answer.get("expires_in") or 300)
    except (ValueError, KeyError, TypeError):
        raise PartnerRefused(f"POST {url}: no access_token in the answer.") from None
    if not isinstance(token, str) or not token:
        raise PartnerRefused(f"POST {url}: no access_token in the answer.")
    cache.set(key, token, timeout=max(lifetime - 30, 1))
    return token


def _authorised(partner: PactPartner, method: str, url: str, **kwargs: Any) -> requests.Response:
    """Call with the partner's token; an answer 401 (an expired or revoked token) is tried
    once more with a new one."""
    headers = dict(kwargs.pop("headers", {}))
    headers["Authorization"] = f"Bearer {access_token(partner)}"
    try:
        return _send(method, url, headers=headers, **kwargs)
    except PartnerRefused as refused:
        if refused.status != 401:
            raise
    headers["Authorization"] = f"Bearer {access_token(partner, fresh=True)}"
    return _send(method, url, headers=headers, **kwargs)


def _documents(body: bytes, url: str) -> list[bytes]:
    """The footprints of ``{"data": [...]}`` (or ``{"data": {...}}``), each re-encoded as its
    own compact JSON bytes in the order received."""
    try:
        parsed = json.loads(body)
    except ValueError:
        raise PartnerRefused(f"GET {url}: the answer is not JSON: {_excerpt(body)}") from None
    data = parsed.get("data") if isinstance(parsed, dict) else None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise PartnerRefused(f'GET {url}: expected {{"data": [...]}}, got {_excerpt(body)}')
    return [document_bytes(d) for d in data]


def document_bytes(document: dict[str, Any]) -> bytes:
    """How a received footprint is stored: compact JSON, keys in the partner's order."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def list_page(partner: PactPartner, url: str) -> Page:
    response = _authorised(partner, "GET", url, headers={"Accept": "application/json"})
    match = _NEXT.search(response.headers.get("Link", ""))
    return Page(
        documents=_documents(response.content, url),
        next_url=match.group(1) if match else None,
        url=url,
    )


def list_pages(
    partner: PactPartner, *, query: str = "", limit: int = 100, max_pages: int = 100
) -> Iterator[Page]:
    """ListFootprints, following ``Link: rel="next"`` (at most ``max_pages`` pages)."""
    url = f"{api_url(partner, 'footprints')}?limit={limit}" + (f"&{query}" if query else "")
    for _ in range(max_pages):
        page = list_page(partner, url)
        yield page
        if not page.next_url:
            return
        url = page.next_url


def get_footprint(partner: PactPartner, pf_id: str) -> tuple[bytes, str]:
    """GetFootprint: the footprint's bytes and the URL it came from."""
    url = f"{api_url(partner, 'footprints')}/{pf_id}"
    response = _authorised(partner, "GET", url, headers={"Accept": "application/json"})
    documents = _documents(response.content, url)
    if len(documents) != 1:
        raise PartnerRefused(f"GET {url}: expected one footprint, got {len(documents)}.")
    return documents[0], url


def post_event(partner: PactPartner, url: str, body: bytes) -> int:
    """Action Events: POST one CloudEvent (structured mode); the status of a 2xx answer."""
    response = _authorised(
        partner,
        "POST",
        url,
        data=body,
        headers={"Content-Type": "application/cloudevents+json; charset=UTF-8"},
    )
    return int(response.status_code)
