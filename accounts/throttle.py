"""Attempt counters in the cache: how many logins (or password-reset requests) one address
or one account may try per window.

Fixed windows: the count lives under a key named after the window it belongs to, so it
expires by itself, and ``cache.incr`` is atomic (Redis INCR; the local-memory cache takes a
lock), so parallel requests cannot all read "under the limit". A burst at a window's edge
may see up to twice the limit over two windows; the account lock (accounts.services.auth)
bounds password guesses regardless.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def throttle_hit(*, scope: str, ident: str, limit: int, window_seconds: int) -> int | None:
    """Count one attempt of ``ident`` in ``scope``.

    Returns None while the count of the current window is within ``limit``, otherwise the
    seconds until the window ends (for ``Retry-After``). ``ident`` is hashed, so e-mail
    addresses are not stored in the cache in clear.
    """
    now = time.time()
    window = int(now // window_seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()
    key = f"throttle:{scope}:{window}:{digest}"
    # add() is a no-op when the key exists; the timeout outlives the window by a second.
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * window_seconds - now))


def client_ip(request: HttpRequest) -> str:
    """The caller's address.

    ``REMOTE_ADDR`` unless ``CLIENT_IP_PROXY_COUNT`` reverse proxies stand in front, each
    appending the address it saw to ``X-Forwarded-For``: then the entry that many places from
    the right, the one the outermost proxy of ours wrote. Entries further left come from the
    caller and are not trusted (anyone can send the header to dodge a per-address limit).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.CLIENT_IP_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
