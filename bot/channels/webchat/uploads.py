"""Files visitors attach: type checked by content, size capped, kept under var/uploads/ by id."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from conversations.clock import utcnow
from conversations.messages import Attachment

MAX_BYTES = 10 * 1024 * 1024
"""Largest file accepted: 10 MB, enough for a phone photo of a document or a scanned PDF."""

KINDS: dict[str, Literal["photo", "document"]] = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "image/webp": "photo",
    "application/pdf": "document",
}
"""Accepted types, recognised by their first bytes (never by the name or the declared type)."""

_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


class UploadRefused(Exception):
    """The file was not kept; `reason` is "empty", "type" or "too_large"."""

    def __init__(self, reason: Literal["empty", "type", "too_large"]) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(head: bytes) -> str | None:
    """The accepted MIME type whose signature `head` starts with, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_name(name: str) -> str:
    """A file name safe to show and to put in a header: no path, no control characters."""
    name = unicodedata.normalize("NFC", name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = _UNSAFE_NAME.sub("", name).strip().strip(".")
    return name[:120] or "file"


@dataclass(frozen=True, slots=True)
class Upload:
    """One stored file and who may read it."""

    id: str
    owner: str
    mime_type: str
    size: int
    file_name: str
    created_at: str

    @property
    def kind(self) -> Literal["photo", "document"]:
        """ "photo" for images, "document" for PDFs."""
        return KINDS[self.mime_type]

    def attachment(self) -> Attachment:
        """The file as the engine sees it: the upload id is the file reference."""
        return Attachment(
            kind=self.kind,
            file_ref=self.id,
            mime_type=self.mime_type,
            size=self.size,
            file_name=self.file_name,
        )

    def readable_by(self, visitor: str) -> bool:
        """Only the visitor who sent it (officers will be added here with the dashboard)."""
        return secrets.compare_digest(self.owner, visitor)


class UploadStore:
    """Files in `directory`: the bytes in `<id>`, the metadata beside them in `<id>.json`."""

    def __init__(self, directory: Path, max_bytes: int = MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    async def save(self, owner: str, chunks: AsyncIterator[bytes], file_name: str) -> Upload:
        """Read the whole body, check it, store it; raises `UploadRefused` and stores nothing."""
        parts: list[bytes] = []
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > self.max_bytes:
                raise UploadRefused("too_large")
            parts.append(chunk)
        data = b"".join(parts)
        if not data:
            raise UploadRefused("empty")
        mime_type = sniff(data[:16])
        if mime_type is None:
            raise UploadRefused("type")
        upload = Upload(
            id=secrets.token_urlsafe(16),
            owner=owner,
            mime_type=mime_type,
            size=size,
            file_name=clean_name(file_name),
            created_at=utcnow().isoformat(),
        )
        await asyncio.to_thread(self._write, upload, data)
        return upload

    def _write(self, upload: Upload, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path(upload.id).write_bytes(data)
        meta = json.dumps(asdict(upload), ensure_ascii=False)
        self.directory.joinpath(f"{upload.id}.json").write_text(meta, encoding="utf-8")

    async def get(self, upload_id: str) -> Upload | None:
        """The upload with this id, or None (also for ids that could not be ours)."""
        if not _ID.match(upload_id):
            return None
        meta = self.directory / f"{upload_id}.json"
        try:
            text = await asyncio.to_thread(meta.read_text, encoding="utf-8")
        except FileNotFoundError:
            return None
        return Upload(**json.loads(text))

    def path(self, upload_id: str) -> Path:
        """Where the bytes of upload `upload_id` are kept."""
        if not _ID.match(upload_id):
            raise ValueError(f"not an upload id: {upload_id!r}")
        return self.directory / upload_id
