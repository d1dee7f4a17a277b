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
from conversations.registration import directory

if TYPE_CHECKING:
    from bot.admin.component import Admin

log = logging.getLogger(__name__)
INLINE = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
"""The extension a download gets from its real type; anything else becomes `.bin`."""
CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
"""`sandbox`: even a file a browser would run (HTML, SVG) gets no script and no origin."""


def download_name(name: str, mime_type: str) -> str:
    """`name` with the extension of its real type: "hồ sơ.html" of a PNG is "hồ sơ.png"."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}{EXTENSIONS.get(mime_type, '.bin')}"


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
    name = download_name(clean_name(record.file_name or f"file-{record.id}"), mime_type)
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "file"
    headers = {
        "content-disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        ),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "content-security-policy": CSP,
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
