"""Sending replies to one Zalo user: the `Sender` the delivery worker and the inbox use."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.errors import Blocked
from bot.channels.zalo import codes
from bot.channels.zalo.client import ZaloClient, query_button
from bot.channels.zalo.config import CHANNEL
from bot.channels.zalo.rendering import Outgoing, payload, plan, split_text
from conversations import users
from conversations.messages import Reply

log = logging.getLogger(__name__)


class ZaloSender:
    """Shows replies to a user; a user who unfollowed is marked unreachable."""

    channel = CHANNEL

    def __init__(
        self,
        client: ZaloClient,
        sessions: async_sessionmaker[AsyncSession],
        reply_window: timedelta,
        info_image_url: str = "",
    ) -> None:
        self.client = client
        self.sessions = sessions
        self.reply_window: timedelta | None = reply_window
        self.info_image_url = info_image_url

    async def send(self, external_id: str, replies: Sequence[Reply]) -> list[str]:
        """Deliver `replies`; Zalo's message ids. Raises `bot.channels.errors` types."""
        sent: list[str] = []
        try:
            for item in plan(replies):
                sent += await self._one(external_id, item)
        except Blocked:
            await self.mark_unreachable(external_id)
            raise
        return sent

    async def announce(self, external_id: str, reply: Reply) -> list[str]:
        """Deliver an announcement as one promotion message (its picture as the banner)."""
        text = reply.text.strip() or " "
        choices = reply.choices
        buttons = [query_button(c.label, payload(choices, n)) for n, c in enumerate(choices, 1)]
        banner_url = banner_id = ""
        attachment = reply.attachment
        if attachment is not None and attachment.kind == "photo":
            ref = attachment.file_ref
            if ref.startswith(("https://", "http://")):
                banner_url = ref
            else:
                data = await _local(ref)
                name = attachment.file_name or Path(ref).name
                mime = attachment.mime_type or mimetypes.guess_type(name)[0] or "image/jpeg"
                banner_id = await self.client.upload_image(data, name, mime) if data else ref
        try:
            return [
                await self.client.send_promotion(
                    external_id, text, buttons, banner_url=banner_url, banner_id=banner_id
                )
            ]
        except Blocked:
            await self.mark_unreachable(external_id)
            raise

    async def mark_unreachable(self, external_id: str) -> None:
        """Record that this user cannot be reached (unfollowed the OA), so nothing more is sent."""
        async with self.sessions() as session, session.begin():
            await users.set_reachable(session, CHANNEL, external_id, False)
        log.info("zalo user %s cannot be reached; marked unreachable", external_id)

    async def _one(self, user: str, item: Outgoing) -> list[str]:
        if item.kind == "text":
            return await self._text(user, item)
        if item.kind == "info":
            return await self._info(user, item)
        if item.kind == "image":
            return [await self._image(user, item)]
        return await self._file(user, item)

    async def _plain(self, user: str, text: str) -> list[str]:
        return [await self.client.send_text(user, piece) for piece in split_text(text)]

    async def _text(self, user: str, item: Outgoing) -> list[str]:
        try:
            return [await self.client.send_text(user, item.text, item.buttons)]
        except codes.ZaloError as exc:
            if not item.buttons or not _shape_refused(exc):
                raise
            log.warning("zalo: buttons refused (%s); sending numbered text instead", exc)
        return await self._plain(user, item.fallback or item.text)

    async def _info(self, user: str, item: Outgoing) -> list[str]:
        """The share-info card; asked in text when there is no image for it or it is refused."""
        if self.info_image_url:
            try:
                subtitle, title, image = item.text, item.title, self.info_image_url
                return [await self.client.send_info_request(user, title, subtitle, image)]
            except codes.ZaloError as exc:
                if not _shape_refused(exc):
                    raise
                log.warning("zalo: the share-info card was refused (%s)", exc)
        return await self._plain(user, item.fallback) if item.fallback else []

    async def _image(self, user: str, item: Outgoing) -> str:
        ref = item.file_ref
        if ref.startswith(("https://", "http://")):
            return await self.client.send_image(user, url=ref, caption=item.text)
        data = await _local(ref)
        if data is not None:
            name = Path(ref).name
            mime = item.mime_type or mimetypes.guess_type(name)[0] or "image/jpeg"
            ref = await self.client.upload_image(data, item.file_name or name, mime)
        return await self.client.send_image(user, attachment_id=ref, caption=item.text)

    async def _file(self, user: str, item: Outgoing) -> list[str]:
        ref = item.file_ref
        if ref.startswith(("https://", "http://")):
            return await self._plain(user, f"{item.text}\n{ref}".strip())
        data = await _local(ref)
        if data is not None:
            name = item.file_name or Path(ref).name
            mime = item.mime_type or mimetypes.guess_type(name)[0] or ""
            ref = await self.client.upload_file(data, name, mime)
        return [await self.client.send_file(user, ref)]


def _shape_refused(exc: codes.ZaloError) -> bool:
    """True when Zalo refused the message itself (any code but the token or the API version),
    so the same content sent as plain text may pass."""
    return not isinstance(exc, codes.ZaloAuthError | codes.ZaloApiRetired)


async def _local(ref: str) -> bytes | None:
    """The content of `ref` when it names a file on this machine, else None."""
    path = Path(ref)
    if not path.is_absolute() or not await asyncio.to_thread(path.is_file):
        return None
    return await asyncio.to_thread(path.read_bytes)
