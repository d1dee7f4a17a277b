"""Material uploaded on the dashboard, read and stored in the background (one file at a time),
with its progress ("page X of Y") for the status page that the officer's browser refreshes."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conversations.material.store import Added
from knowledge.material.document import Extracted, MaterialRefused
from knowledge.material.reader import MAX_BYTES, read_material

log = logging.getLogger(__name__)

KEPT = 50
"""Finished jobs remembered for their status page (the oldest are forgotten first)."""
LEFT_BEHIND = 6 * 3600
"""Seconds after which an upload's file is taken as left by a process that died before reading
it (a live one is read within minutes, and other processes may share the folder)."""

JobState = Literal["waiting", "reading", "storing", "done", "refused", "failed"]
Store = Callable[[Extracted], Awaitable[Added]]
"""Stores what was read (in one transaction) and returns what that did."""


@dataclass(slots=True)
class IngestJob:
    """One uploaded file on its way into the material: where it is, and how it ended."""

    id: str
    owner: int
    """The user id of the officer who uploaded it: only they see its status."""
    file_name: str
    state: JobState = "waiting"
    done: int = 0
    total: int = 0
    refusal: str = ""
    """The `RefusalCode` when refused."""
    detail: str = ""
    """The reader's own (English) reason, shown small under the translated one."""
    added: Added | None = None
    empty_pages: int = 0

    @property
    def running(self) -> bool:
        """True until the file is stored, refused or failed."""
        return self.state in ("waiting", "reading", "storing")

    def progress(self, done: int, total: int) -> None:
        """Called by the reader (in its thread) after each page."""
        self.done, self.total = done, total
        self.state = "reading"


class MaterialJobs:
    """The upload jobs of this process; files wait under `directory` until read."""

    def __init__(self, directory: Path, max_bytes: int = MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        """Largest file taken (the reader refuses larger ones; an upload body is cut above it)."""
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Lock()
        """Reading a long PDF is CPU work: one file at a time leaves the other core to the chat."""

    def new_path(self, suffix: str) -> Path:
        """A fresh file name under `directory` for an upload's bytes (the folder is created)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / f"{secrets.token_urlsafe(12)}{suffix}"

    def sweep(self, now: float | None = None) -> int:
        """Remove the files a crashed process left in the folder (older than `LEFT_BEHIND`)."""
        cutoff = (time.time() if now is None else now) - LEFT_BEHIND
        removed = 0
        for path in self.directory.glob("*") if self.directory.is_dir() else ():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue  # taken by another process meanwhile
        if removed:
            log.info("material uploads: %d file(s) left by a stopped process removed", removed)
        return removed

    def start(self, *, owner: int, path: Path, file_name: str, store: Store) -> IngestJob:
        """Read the file at `path` and store it in the background; `path` is removed after."""
        job = IngestJob(secrets.token_urlsafe(12), owner, file_name)
        self._jobs[job.id] = job
        while len(self._jobs) > KEPT:
            oldest = next(iter(self._jobs.values()))
            if oldest.running:
                break
            self._jobs.popitem(last=False)
        task = asyncio.create_task(self._run(job, path, store), name=f"material-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    def get(self, job_id: str, owner: int) -> IngestJob | None:
        """The job with this id, if `owner` started it."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    async def _run(self, job: IngestJob, path: Path, store: Store) -> None:
        try:
            async with self._one_at_a_time:
                job.state = "reading"
                extracted = await asyncio.to_thread(
                    read_material, path, self.max_bytes, job.progress
                )
                job.empty_pages = extracted.empty_pages
                job.state = "storing"
                job.added = await store(extracted)
                job.state = "done"
        except MaterialRefused as refused:
            job.refusal, job.detail, job.state = refused.code, refused.message, "refused"
        except asyncio.CancelledError:
            job.state = "failed"
            raise
        except Exception:
            log.exception("material upload %s could not be stored", job.file_name)
            job.state = "failed"
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def wait(self) -> None:
        """Until every started job has ended (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        """Cancel the jobs still running (their files are removed, nothing half-stored)."""
        for task in list(self._tasks):
            task.cancel()
        await self.wait()
