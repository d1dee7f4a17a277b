"""Who a web visitor is: a random id in a signed cookie, a CSRF token, and the same-origin check."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "ocop_visitor"
"""First-party cookie: HttpOnly, SameSite=Lax; what a visitor of /chat itself carries."""
EMBED_COOKIE = "ocop_visitor_embed"
"""Partitioned third-party cookie (SameSite=None; Secure): what the iframe on a province site
carries, since browsers never send a Lax cookie to a cross-site iframe."""
COOKIE_PATH = "/chat"
MAX_AGE = 400 * 24 * 3600
"""The longest lifetime browsers keep a cookie."""
CSRF_HEADER = "x-csrf-token"

_VISITOR = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class Identity:
    """Reads, mints and signs visitor ids; built once from the cookie signing key."""

    def __init__(self, secret: bytes) -> None:
        self._signer = Signer(secret, salt="ocop.webchat.visitor")
        self._csrf_key = hmac.new(secret, b"ocop.webchat.csrf", hashlib.sha256).digest()

    def sign(self, visitor: str) -> str:
        """The cookie value for `visitor`."""
        return self._signer.sign(visitor).decode()

    def unsign(self, value: str) -> str | None:
        """The visitor id in a cookie value, or None when forged, damaged or malformed."""
        try:
            visitor = self._signer.unsign(value).decode()
        except (BadSignature, UnicodeDecodeError):
            return None
        return visitor if _VISITOR.match(visitor) else None

    def read(self, request: Request) -> str | None:
        """The visitor id the request carries, from either cookie, when its signature holds."""
        for name in (COOKIE, EMBED_COOKIE):
            value = request.cookies.get(name)
            visitor = self.unsign(value) if value else None
            if visitor:
                return visitor
        return None

    def resolve(self, request: Request) -> tuple[str, bool]:
        """(visitor id, True when it was just minted and the cookies must be set)."""
        visitor = self.read(request)
        if visitor:
            return visitor, False
        return secrets.token_urlsafe(16), True

    def set_cookies(self, response: Response, request: Request, visitor: str) -> None:
        """Give the browser the signed id: first-party cookie always, embed cookie when allowed."""
        value = self.sign(visitor)
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )
        if request.url.scheme == "https" or request.url.hostname in _LOCAL_HOSTS:
            # Written by hand: Starlette's `partitioned=` needs Python 3.14.
            response.headers.append(
                "set-cookie",
                f"{EMBED_COOKIE}={value}; Max-Age={MAX_AGE}; Path={COOKIE_PATH}; "
                "Secure; HttpOnly; SameSite=None; Partitioned",
            )

    def csrf_token(self, visitor: str) -> str:
        """The per-visitor token the page sends back in the X-CSRF-Token header."""
        return hmac.new(self._csrf_key, visitor.encode(), hashlib.sha256).hexdigest()[:32]

    def same_origin(self, request: Request, visitor: str) -> bool:
        """True when a state-changing request comes from our own pages (the iframe included).

        Browsers say where a request comes from (Sec-Fetch-Site, Origin); a cross-site answer is
        refused. Browsers too old to say anything must send the visitor's CSRF token instead.
        """
        site = request.headers.get("sec-fetch-site")
        if site is not None and site != "same-origin":
            return False
        origin = request.headers.get("origin")
        if origin is not None:
            host = request.headers.get("host", "")
            return origin != "null" and urlsplit(origin).netloc.lower() == host.lower()
        if site == "same-origin":
            return True
        token = request.headers.get(CSRF_HEADER, "")
        return hmac.compare_digest(token.encode(), self.csrf_token(visitor).encode())
