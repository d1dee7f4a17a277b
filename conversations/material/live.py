"""The passage index of the served material, built from the database and rebuilt on change."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.material.store import (
    count_answered,
    material_stamp,
    served_passages,
)
from knowledge.material.search import PassageAnalyzer, PassageIndex, PassageMatch
from knowledge.normalise import Analysed
from knowledge.synonyms import Synonyms

CHECK_EVERY = 5.0  # seconds between looks at whether the material changed (other processes)


class MaterialSearch:
    """Holds the current `PassageIndex`; `current` rebuilds it when documents changed."""

    def __init__(self, synonyms: Synonyms | None = None, check_every: float = CHECK_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.synonyms = synonyms or Synonyms()
        self.analyzer = PassageAnalyzer(self.synonyms)
        """Pass it to `add_material` so that new passages are stored analysed."""
        self.index = PassageIndex((), self.synonyms)
        self._stamp: Any = None
        self._analysed: dict[int, Analysed] = {}
        self._checked = float("-inf")
        self._check_every = check_every
        self._clock = clock

    async def load(self, session: AsyncSession) -> PassageIndex:
        """Build the index from the served passages now (in a thread: it is CPU work), reusing
        the analysis of passages already indexed, and swap it in whole."""
        stamp = await material_stamp(session)
        rows = await served_passages(session, self.analyzer.key)
        passages = [p for p, _ in rows]
        kept = {p.id: self._analysed[p.id] for p in passages if p.id in self._analysed}
        for passage, stored in rows:
            if stored is not None and passage.id not in kept:
                kept[passage.id] = PassageAnalyzer.decode(stored)
        self.index = await asyncio.to_thread(PassageIndex, passages, self.synonyms, kept)
        self._analysed = kept
        self._stamp, self._checked = stamp, self._clock()
        return self.index

    async def current(self, session: AsyncSession) -> PassageIndex:
        """The index, rebuilt first if the material changed since it was built."""
        if self._clock() - self._checked >= self._check_every:
            self._checked = self._clock()
            if await material_stamp(session) != self._stamp:
                return await self.load(session)
        return self.index

    async def answer(self, session: AsyncSession, text: str) -> PassageMatch | None:
        """The passage that answers `text` confidently (its answer counted), or None."""
        match = (await self.current(session)).ask(text)
        if match is not None:
            await count_answered(session, match.passage.id)
        return match

    def invalidate(self) -> None:
        """Look for changes on the next question (call after adding or retiring material)."""
        self._checked = float("-inf")
