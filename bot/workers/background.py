"""A component that repeats one piece of work in the background until the app stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.routing import BaseRoute

log = logging.getLogger(__name__)


class Repeating:
    """Calls `run_once()` again and again; waits `interval` seconds when it did nothing
    (or always, with `wait_always`). Subclasses set `name` and implement `run_once`."""

    name = "repeating"
    interval: float = 1.0
    wait_always: bool = False

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def routes(self) -> list[BaseRoute]:
        """A background component serves no HTTP route."""
        return []

    async def run_once(self) -> int:
        """One round of work; returns how much was done."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start the loop in the background."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        """Let the round in hand finish, then stop."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("%s round failed", self.name)
                done = 0
            if self.wait_always or not done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.interval)
