"""Attached photos and documents, served to officers only, from the channel that received them."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from bot.admin.context import Officer
from bot.channels.webchat.uploads import clean_name, sniff
from conversations import directory

if TYPE_CHECKING:
    from bot.admin.component import Admin

log = logging.getLogger(__name__)
INLINE = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


async def serve(admin: Admin, request: Request, officer: Officer) -> Response:
    """The file's bytes with its real type; shown inline only when it is a photo or a PDF."""
    async with admin.runtime.sessions() as db:
        record = await directory.dossier_file(db, int(request.path_params["id"]))
    if record is None:
        return admin.not_found(officer)
    data = await _fetch(admin, record.channel, record.file_ref)
    if data is None:
        return admin.not_found(officer)
    mime_type = sniff(data[:16]) or "application/octet-stream"
    disposition = "inline" if mime_type in INLINE else "attachment"
    name = clean_name(record.file_name or f"file-{record.id}")
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "file"
    headers = {
        "content-disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        ),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    }
    return Response(data, media_type=mime_type, headers=headers)


async def _fetch(admin: Admin, channel: str, file_ref: str) -> bytes | None:
    """The bytes from the web chat's upload folder or a running channel's `download()`."""
    if channel == "web":
        upload = await admin.uploads.get(file_ref)
        if upload is None:
            return None
        try:
            return await asyncio.to_thread(admin.uploads.path(upload.id).read_bytes)
        except OSError:
            return None
    for peer in admin.peers:
        if getattr(peer, "channel", None) == channel and hasattr(peer, "download"):
            try:
                data: bytes = await peer.download(file_ref)
            except Exception:
                log.warning("admin: could not fetch a %s file", channel, exc_info=True)
                return None
            return data
    return None
