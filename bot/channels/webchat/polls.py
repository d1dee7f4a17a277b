"""Bounds on open long-polls: one per visitor (a newer one releases the older), some per address."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class PollSlots:
    """Who holds a long-poll open. `hold()` gives an event set when the poll must return now
    (the same visitor opened a newer one), or None when the address has too many open."""

    def __init__(self, per_visitor: int = 1, per_address: int = 200) -> None:
        self.per_visitor = per_visitor
        self.per_address = per_address
        self._visitors: dict[str, list[asyncio.Event]] = {}
        self._addresses: Counter[str] = Counter()

    @contextmanager
    def hold(self, visitor: str, address: str) -> Iterator[asyncio.Event | None]:
        """A slot for one long-poll of `visitor` from `address` for the `with` block."""
        if self._addresses[address] >= self.per_address:
            yield None
            return
        held = self._visitors.setdefault(visitor, [])
        while len(held) >= self.per_visitor:
            held.pop(0).set()
        replaced = asyncio.Event()
        held.append(replaced)
        self._addresses[address] += 1
        try:
            yield replaced
        finally:
            self._addresses[address] -= 1
            if self._addresses[address] <= 0:
                del self._addresses[address]
            if replaced in held:
                held.remove(replaced)
            if not held and self._visitors.get(visitor) is held:
                del self._visitors[visitor]

    def open(self) -> int:
        """Long-polls open now."""
        return sum(self._addresses.values())
