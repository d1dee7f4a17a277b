"""Deleting web chat uploads that no message refers to, a day after they were sent."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from sqlalchemy import Text, cast
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.webchat.uploads import UploadStore
from bot.workers.background import Repeating
from conversations.channels.tables import WebMessage
from conversations.registration.tables import DossierFile

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)
"""How long a file nobody refers to is kept (the visitor may still be about to send it)."""
BATCH = 200


class UploadSweeper(Repeating):
    """Every hour: files older than `keep` that neither a chat message nor a dossier refers to
    are deleted, so uploads without a message cannot fill the disk."""

    name = "upload-sweeper"
    wait_always = True

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        store: UploadStore,
        *,
        keep: timedelta = KEEP,
        interval: float = 3600.0,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.store = store
        self.keep = keep
        self.interval = interval

    async def run_once(self) -> int:
        """One sweep; the number of files deleted."""
        cutoff = time.time() - self.keep.total_seconds()
        candidates = (await asyncio.to_thread(self.store.older_than, cutoff))[:BATCH]
        if not candidates:
            return 0
        async with self.sessions() as session:
            unused = [c for c in candidates if not await _referenced(session, c)]
        for upload_id in unused:
            await asyncio.to_thread(self.store.remove, upload_id)
        if unused:
            log.info("deleted %d web chat uploads no message refers to", len(unused))
        return len(unused)


async def _referenced(session: AsyncSession, upload_id: str) -> bool:
    """True when a dossier or a stored chat message refers to the upload."""
    dossier = select(DossierFile.id).where(
        DossierFile.channel == "web", col(DossierFile.file_ref) == upload_id
    )
    if (await session.exec(dossier.limit(1))).first() is not None:
        return True
    message = select(WebMessage.id).where(
        cast(WebMessage.payload, Text).like(f'%"{upload_id}"%')  # type: ignore[arg-type]
    )
    return (await session.exec(message.limit(1))).first() is not None
