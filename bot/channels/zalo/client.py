"""A thin async client for the Zalo OA Open API v3: send, upload, read a profile."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from bot.channels.errors import RateLimited, TransientError
from bot.channels.zalo import codes
from bot.channels.zalo.tokens import TokenStore

log = logging.getLogger(__name__)

CS_PATH = "/v3.0/oa/message/cs"
PROMOTION_PATH = "/v3.0/oa/message/promotion"
PROFILE_PATH = "/v3.0/oa/user/detail"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"
UPLOAD_FILE_PATH = "/v2.0/oa/upload/file"
MAX_TEXT = 2000
"""Characters in a consultation text (Zalo's OA docs as mirrored by eSMS; platforms.md B9 gives
the same 2000 for the Bot Platform)."""
MAX_BUTTONS = 5
MAX_TITLE = 100
"""Button titles: 100 characters in the docs mirrored by eSMS; other sources say 20 or 35, so a
message refused for its buttons is sent again as numbered text (rendering.py)."""
MAX_PAYLOAD = 1000


def query_button(title: str, payload: str) -> dict[str, str]:
    """A button whose tap sends `payload` back as a visible user message (`user_send_text`)."""
    return {"title": title[:MAX_TITLE], "type": "oa.query.show", "payload": payload[:MAX_PAYLOAD]}


Quota = dict[str, Any]
"""`data.quota` of a send answer as Zalo gives it (e.g. `quota_type: "reply"`, `remain`)."""
OnQuota = Callable[[str, Quota], Awaitable[None]]


class ZaloClient:
    """Calls the OA API through one `httpx.AsyncClient` (its transport can be injected).

    Every call carries the access token in the `access_token` header. Zalo answers failures
    with HTTP 200 and a non-zero `error`, so every answer is checked (`codes.check`). A refused
    token is refreshed once and the call made again.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenStore,
        base_url: str = "https://openapi.zalo.me",
        *,
        rate_limit_wait: float = 30.0,
        on_quota: OnQuota | None = None,
    ) -> None:
        self.http = http
        self.tokens = tokens
        self.base_url = base_url.rstrip("/")
        self.rate_limit_wait = rate_limit_wait
        self.on_quota = on_quota
        """Told the quota each successful send reports, with the user it was sent to."""

    async def send_text(
        self, user_id: str, text: str, buttons: Sequence[dict[str, str]] = ()
    ) -> str:
        """Send a consultation text, with up to five query buttons; Zalo's message id.

        The documented shape of text with buttons: `message.text` plus a template attachment
        whose payload holds only `buttons` (no `template_type`; zalo-fidelity.md 2).
        """
        message: dict[str, Any] = {"text": text}
        if buttons:
            message["attachment"] = {
                "type": "template",
                "payload": {"buttons": list(buttons[:MAX_BUTTONS])},
            }
        return await self._send(user_id, message, "send text")

    async def send_promotion(
        self,
        user_id: str,
        text: str,
        buttons: Sequence[dict[str, str]] = (),
        *,
        banner_url: str = "",
        banner_id: str = "",
    ) -> str:
        """Send an announcement as a promotion message ("tin truyền thông"), the type Zalo
        requires for bulk messages: its own quota, refused at night (-234). A picture goes
        first as the banner."""
        elements: list[dict[str, str]] = []
        if banner_url or banner_id:
            banner = {"image_url": banner_url} if banner_url else {"attachment_id": banner_id}
            elements.append({"type": "banner", **banner})
        elements.append({"type": "text", "content": text[:MAX_TEXT]})
        payload: dict[str, Any] = {"template_type": "promotion", "elements": elements}
        if buttons:
            payload["buttons"] = list(buttons[:MAX_BUTTONS])
        message = {"attachment": {"type": "template", "payload": payload}}
        return await self._send(user_id, message, "send promotion", PROMOTION_PATH)

    async def send_info_request(
        self, user_id: str, title: str, subtitle: str, image_url: str = ""
    ) -> str:
        """Send the card that asks the user to share their name, phone and address."""
        element = {"title": title[:100], "subtitle": subtitle[:500]}
        if image_url:
            element["image_url"] = image_url
        payload = {"template_type": "request_user_info", "elements": [element]}
        message = {"attachment": {"type": "template", "payload": payload}}
        return await self._send(user_id, message, "send info request")

    async def send_image(
        self, user_id: str, *, url: str = "", attachment_id: str = "", caption: str = ""
    ) -> str:
        """Send a picture given by its URL or by the id `upload_image` returned."""
        element = {"media_type": "image", **({"url": url} if url else {})}
        if attachment_id:
            element["attachment_id"] = attachment_id
        payload = {"template_type": "media", "elements": [element]}
        message: dict[str, Any] = {"attachment": {"type": "template", "payload": payload}}
        if caption:
            message["text"] = caption[:MAX_TEXT]
        return await self._send(user_id, message, "send image")

    async def send_file(self, user_id: str, token: str) -> str:
        """Send a document by the token `upload_file` returned."""
        message = {"attachment": {"type": "file", "payload": {"token": token}}}
        return await self._send(user_id, message, "send file")

    async def upload_image(self, data: bytes, file_name: str, mime_type: str) -> str:
        """Upload a picture; the attachment id to send it with."""
        files = {"file": (file_name, data, mime_type or "image/jpeg")}
        found = await self._call("POST", UPLOAD_IMAGE_PATH, what="upload image", files=files)
        return _string(found.get("attachment_id"), "upload image: no attachment_id")

    async def upload_file(self, data: bytes, file_name: str, mime_type: str) -> str:
        """Upload a document (PDF, DOC, DOCX); the token to send it with."""
        files = {"file": (file_name, data, mime_type or "application/octet-stream")}
        found = await self._call("POST", UPLOAD_FILE_PATH, what="upload file", files=files)
        return _string(found.get("token"), "upload file: no token")

    async def display_name(self, user_id: str) -> str:
        """The name the user shows on Zalo ("" when the profile has none)."""
        params = {"data": json.dumps({"user_id": user_id})}
        found = await self._call("GET", PROFILE_PATH, what="read profile", params=params)
        name = found.get("display_name") or found.get("user_alias") or ""
        return str(name)

    async def _send(
        self, user_id: str, message: dict[str, Any], what: str, path: str = CS_PATH
    ) -> str:
        body = {"recipient": {"user_id": user_id}, "message": message}
        found = await self._call("POST", path, what=what, json=body)
        quota = found.get("quota")
        if isinstance(quota, dict) and self.on_quota is not None:
            try:
                await self.on_quota(user_id, quota)
            except Exception:
                log.exception("zalo: could not record the quota of a send")
        return str(found.get("message_id") or "")

    async def _call(self, method: str, path: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        token = await self.tokens.access_token()
        try:
            return await self._once(method, path, token, what, kwargs)
        except codes.ZaloAuthError as exc:
            if exc.code not in codes.TOKEN_REJECTED:
                raise
            log.info("zalo: %s: access token refused (%d); refreshing once", what, exc.code)
        fresh = await self.tokens.refresh(stale=token)
        return await self._once(method, path, fresh, what, kwargs)

    async def _once(
        self, method: str, path: str, token: str, what: str, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        request: Callable[..., Awaitable[httpx.Response]] = self.http.request
        try:
            response = await request(
                method, f"{self.base_url}{path}", headers={"access_token": token}, **kwargs
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"zalo: {what}: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise RateLimited(self.rate_limit_wait, f"zalo: {what}: HTTP 429")
        if response.status_code >= 500:
            raise TransientError(f"zalo: {what}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            status = response.status_code
            if status >= 400:
                raise codes.ZaloError(status, f"{what}: HTTP {status}, not JSON") from None
            raise TransientError(f"zalo: {what}: HTTP {status}, not JSON") from None
        return codes.check(answer, what=what, rate_limit_wait=self.rate_limit_wait)


def _string(value: object, missing: str) -> str:
    if not isinstance(value, str) or not value:
        raise codes.ZaloError(0, missing)
    return value
