"""Waking a visitor's waiting long-poll requests as soon as a message is stored for them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class Notifier:
    """One event per visitor with listeners; `wake` sets it and the next listener gets a new one."""

    def __init__(self) -> None:
        self._events: dict[str, tuple[asyncio.Event, int]] = {}
        self.closed = False

    @contextmanager
    def listen(self, key: str) -> Iterator[asyncio.Event]:
        """An event set by the next `wake(key)`; take it *before* reading, so no wake is missed."""
        event, count = self._events.get(key, (None, 0))
        if event is None:
            event = asyncio.Event()
            if self.closed:
                event.set()
        self._events[key] = (event, count + 1)
        try:
            yield event
        finally:
            current, count = self._events.get(key, (None, 0))
            if current is event:
                if count <= 1:
                    del self._events[key]
                else:
                    self._events[key] = (event, count - 1)

    def wake(self, key: str) -> None:
        """Release everyone waiting for `key`."""
        event, _ = self._events.pop(key, (None, 0))
        if event is not None:
            event.set()

    def close(self) -> None:
        """Release every waiter now and from now on (the app is stopping)."""
        self.closed = True
        for event, _ in self._events.values():
            event.set()
        self._events.clear()

    def __len__(self) -> int:
        return len(self._events)
