"""Waking a visitor's waiting long-poll requests as soon as a message is stored for them."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class Notifier:
    """One event per visitor with listeners; `wake` sets it and the next listener gets a new one.

    Listeners may name their page (`tab`): a wake from that same page (the rows are in the
    answer to its own post) leaves them waiting instead of making them read and come back.
    """

    def __init__(self) -> None:
        self._events: dict[str, tuple[asyncio.Event, Counter[str]]] = {}
        self.closed = False

    @contextmanager
    def listen(self, key: str, tab: str = "") -> Iterator[asyncio.Event]:
        """An event set by the next `wake(key)`; take it *before* reading, so no wake is missed."""
        event, tabs = self._events.get(key, (None, Counter[str]()))
        if event is None:
            event = asyncio.Event()
            if self.closed:
                event.set()
            self._events[key] = (event, tabs)
        tabs[tab] += 1
        try:
            yield event
        finally:
            current = self._events.get(key)
            if current is not None and current[0] is event:
                tabs[tab] -= 1
                if tabs[tab] <= 0:
                    del tabs[tab]
                if not tabs:
                    del self._events[key]

    def wake(self, key: str, origin: str = "") -> None:
        """Release everyone waiting for `key`, except when all of them are page `origin`."""
        current = self._events.get(key)
        if current is None:
            return
        event, tabs = current
        if origin and set(tabs) == {origin}:
            return
        del self._events[key]
        event.set()

    def close(self) -> None:
        """Release every waiter now and from now on (the app is stopping)."""
        self.closed = True
        for event, _ in self._events.values():
            event.set()
        self._events.clear()

    def __len__(self) -> int:
        return len(self._events)
