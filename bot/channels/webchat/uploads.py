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


QUOTA = 2 * 1024**3
"""Bytes all uploads together may take on disk (var/uploads) before new ones are refused."""


class UploadRefused(Exception):
    """The file was not kept; `reason` is "empty", "type", "too_large" or "full" (the quota)."""

    def __init__(self, reason: Literal["empty", "type", "too_large", "full"]) -> None:
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

    def __init__(self, directory: Path, max_bytes: int = MAX_BYTES, quota: int = QUOTA) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.quota = quota
        self._used: int | None = None
        self._saving = asyncio.Semaphore(4)
        """At most four bodies held in memory at once (10 MB each)."""

    def _scan(self) -> int:
        if not self.directory.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    async def used(self) -> int:
        """Bytes the folder takes now (scanned once, then kept up to date by this store)."""
        if self._used is None:
            self._used = await asyncio.to_thread(self._scan)
        return self._used

    async def usage(self) -> int:
        """Bytes the folder takes now, scanned afresh (files other processes saved included)."""
        return await asyncio.to_thread(self._scan)

    def full_at(self, used: int) -> bool:
        """True when, with `used` bytes taken, no file of the largest size fits under the quota."""
        return used + self.max_bytes > self.quota

    async def full(self) -> bool:
        """True when no file of the largest size fits under the quota any more."""
        return self.full_at(await self.used())

    async def save(self, owner: str, chunks: AsyncIterator[bytes], file_name: str) -> Upload:
        """Read the whole body, check it, store it; raises `UploadRefused` and stores nothing."""
        if await self.full():
            raise UploadRefused("full")
        async with self._saving:
            return await self._save(owner, chunks, file_name)

    async def _save(self, owner: str, chunks: AsyncIterator[bytes], file_name: str) -> Upload:
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
        self._used = await self.used() + size
        return upload

    def remove(self, upload_id: str) -> int:
        """Delete an upload's bytes and metadata (blocking); the bytes freed."""
        freed = 0
        for path in (self.path(upload_id), self.directory / f"{upload_id}.json"):
            try:
                freed += path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
        if self._used is not None:
            self._used = max(0, self._used - freed)
        return freed

    def older_than(self, moment: float) -> list[str]:
        """Ids of uploads whose metadata was written before `moment` (a POSIX time; blocking)."""
        if not self.directory.is_dir():
            return []
        return [
            p.stem
            for p in self.directory.glob("*.json")
            if _ID.match(p.stem) and p.stat().st_mtime < moment
        ]

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
