"""Zalo OAuth v4 for an OA: the PKCE authorisation address, code exchange and token refresh."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from bot.channels.errors import TransientError

PERMISSION_PATH = "/v4/oa/permission"
TOKEN_PATH = "/v4/oa/access_token"
DEFAULT_EXPIRES_IN = 90000
"""Seconds; Zalo answers `expires_in` as the string "90000" (about 25 h), platforms.md B1."""


class OAuthError(Exception):
    """Zalo refused a token request; the message never contains a token or secret."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """A new access token, the refresh token that replaces the old one, and the lifetime."""

    access_token: str
    refresh_token: str
    expires_in: int

    def __repr__(self) -> str:
        return f"Tokens(expires_in={self.expires_in})"


@dataclass(frozen=True, slots=True)
class Pkce:
    """A PKCE pair: the verifier kept here, the challenge sent in the authorisation address."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        """A fresh pair: a 43-character verifier and its base64url SHA-256 challenge."""
        verifier = secrets.token_urlsafe(32)[:43]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def authorisation_url(base: str, app_id: str, redirect_uri: str, pkce: Pkce, state: str) -> str:
    """Where the OA admin approves the app; the callback gets `code`, `oa_id` and `state`."""
    query = urlencode(
        {
            "app_id": app_id,
            "redirect_uri": redirect_uri,
            "code_challenge": pkce.challenge,
            "state": state,
        }
    )
    return f"{base.rstrip('/')}{PERMISSION_PATH}?{query}"


class OAuthClient:
    """Token calls to the OAuth server; the app secret goes in the `secret_key` header."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, app_id: str, app_secret: str):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret

    async def exchange(self, code: str, verifier: str) -> Tokens:
        """The first tokens, for the authorisation code and the PKCE verifier."""
        return await self._token(
            {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
        )

    async def refresh(self, refresh_token: str) -> Tokens:
        """New tokens; the refresh token given is spent, the one returned replaces it."""
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def _token(self, form: dict[str, str]) -> Tokens:
        try:
            response = await self.http.post(
                f"{self.base_url}{TOKEN_PATH}",
                data={"app_id": self.app_id, **form},
                headers={"secret_key": self._secret},
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"zalo oauth: {type(exc).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"zalo oauth: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise OAuthError(f"zalo oauth: HTTP {response.status_code}, not JSON") from None
        if not isinstance(body, dict):
            raise OAuthError("zalo oauth: the answer is not a JSON object")
        access = body.get("access_token")
        refresh = body.get("refresh_token")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            code = body.get("error", response.status_code)
            reason = body.get("error_description") or body.get("message") or body.get("error_name")
            raise OAuthError(f"zalo oauth error {code}: {str(reason or 'no tokens')[:200]}")
        try:
            expires_in = int(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (TypeError, ValueError):
            expires_in = DEFAULT_EXPIRES_IN
        return Tokens(access, refresh, expires_in)
