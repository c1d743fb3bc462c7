"""``/verify/``: anyone (an importer, a customs officer, a verifier) checks a signed footprint
document without an account: drop the document file and its signature file, or paste them.

The rule is the API's (``accounts.services.signing_keys.document_verify``): an uploaded file is
checked byte for byte, as signed; pasted JSON is canonicalised (RFC 8785) first, since pasting
changes whitespace but not content. The answer says valid or invalid, who signed, with which
key, whether that key was revoked, and what the document states.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import PublicPage
from accounts.services.signing_keys import document_verify
from accounts.signing import canonicalize
from accounts.throttle import client_ip, throttle_hit
from core.links import absolute_url

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_SIGNATURE_CHARS = 4096
#: Verifications per caller address per minute (each costs a signature check).
PER_MINUTE = 60


class VerifyForm(forms.Form):
    document_file = forms.FileField(
        label=gettext_lazy("Footprint document (.json file)"), required=False
    )
    document_text = forms.CharField(
        label=gettext_lazy("…or paste the document"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_DOCUMENT_BYTES,
    )
    signature_file = forms.FileField(label=gettext_lazy("Signature (.jws file)"), required=False)
    signature_text = forms.CharField(
        label=gettext_lazy("…or paste the signature"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_SIGNATURE_CHARS,
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        upload, text = cleaned.get("document_file"), (cleaned.get("document_text") or "").strip()
        if bool(upload) == bool(text):
            self.add_error(
                "document_file",
                gettext("Give the document once: as a file or pasted, not both and not neither."),
            )
        elif upload:
            if upload.size > MAX_DOCUMENT_BYTES:
                self.add_error(
                    "document_file",
                    gettext("The file is larger than %(mb)d MB; a footprint document is smaller.")
                    % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
                )
            else:
                cleaned["payload"] = upload.read()
        else:
            try:
                cleaned["payload"] = canonicalize(json.loads(text))
            except (ValueError, TypeError) as exc:
                self.add_error(
                    "document_text",
                    gettext("This is not a JSON document (%(problem)s); paste the whole file.")
                    % {"problem": str(exc)[:80]},
                )
        signature_upload = cleaned.get("signature_file")
        signature_text = (cleaned.get("signature_text") or "").strip()
        if bool(signature_upload) == bool(signature_text):
            self.add_error(
                "signature_file",
                gettext("Give the signature once: as a file or pasted, not both and not neither."),
            )
        elif signature_upload:
            raw = signature_upload.read(MAX_SIGNATURE_CHARS + 1)
            try:
                signature_text = raw.decode("ascii").strip()
            except UnicodeDecodeError:
                signature_text = ""
            if not signature_text or len(raw) > MAX_SIGNATURE_CHARS:
                self.add_error(
                    "signature_file",
                    gettext("Not a signature file: expected the short text header..signature."),
                )
        cleaned["signature"] = signature_text
        return cleaned


def _what_was_signed(payload: bytes) -> dict[str, Any] | None:
    """The facts a reader checks against the goods: company, product, CN code, period, SEE."""
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    data: dict[str, Any] = {}
    for extension in document.get("extensions") or []:
        if isinstance(extension, dict) and isinstance(extension.get("data"), dict):
            data = extension["data"]
    see, product, installation, period = (
        _object(data, key) for key in ("see", "product", "installation", "reportingPeriod")
    )
    return {
        "id": document.get("id"),
        "status": document.get("status"),
        "company": document.get("companyName"),
        "product": document.get("productNameCompany"),
        "cn_code": product.get("cnCode"),
        "installation": installation.get("name"),
        "country": installation.get("countryCode"),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "see_direct": see.get("directTco2ePerT"),
        "see_indirect": see.get("indirectTco2ePerT"),
        "see_total": see.get("totalTco2ePerT"),
    }


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


class VerifyPage(PublicPage):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(request, "web/verify.html", {"form": VerifyForm()})

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = VerifyForm(request.POST, request.FILES)
        wait = throttle_hit(
            scope="verify-page", ident=client_ip(request), limit=PER_MINUTE, window_seconds=60
        )
        if wait is not None:
            form.add_error(
                None,
                gettext("Too many checks from your address; wait %(s)d seconds.") % {"s": wait},
            )
            return render(request, "web/verify.html", {"form": form}, status=429)
        if not form.is_valid():
            return render(request, "web/verify.html", {"form": form})
        payload = form.cleaned_data["payload"]
        result = document_verify(payload=payload, jws=form.cleaned_data["signature"])
        context = {
            "form": VerifyForm(),
            "result": result,
            "signed": _what_was_signed(payload) if result.valid else None,
            "jwks_url": absolute_url("/.well-known/jwks.json"),
        }
        return render(request, "web/verify.html", context)
