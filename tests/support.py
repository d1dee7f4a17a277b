"""Helpers for tests: a database per test on SQLite or PostgreSQL, and a scripted chat."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.database import create_engine, session_factory
from conversations.engine import Engine
from conversations.messages import Attachment, Contact, Incoming, Reply

_ids = itertools.count(1)


@dataclass
class Database:
    """A migrated, empty database for one test; `reopen()` simulates a process restart."""

    url: str
    engines: list[AsyncEngine] = field(default_factory=list)
    _shared: async_sessionmaker[AsyncSession] | None = None

    def open(self) -> async_sessionmaker[AsyncSession]:
        """A new engine (a new 'process') with its session factory."""
        engine = create_engine(self.url)
        self.engines.append(engine)
        return session_factory(engine)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """One session factory shared by a test's own set-up and checks."""
        if self._shared is None:
            self._shared = self.open()
        return self._shared

    async def close(self) -> None:
        """Dispose every engine opened by the test."""
        for engine in self.engines:
            await engine.dispose()

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return "postgresql" if self.url.startswith("postgres") else "sqlite"


class Chat:
    """One user talking to an engine, with message ids made up as a channel would."""

    def __init__(self, engine: Engine, user: str = "u1", channel: str = "test", lang: str = "vi"):
        self.engine = engine
        self.user = user
        self.channel = channel
        self.lang = lang
        self.replies: list[Reply] = []

    async def send(self, **fields: object) -> list[Reply]:
        """Send an `Incoming` with the given fields; remember and return the replies."""
        fields.setdefault("message_id", f"m{next(_ids)}")
        fields.setdefault("locale_hint", self.lang)
        incoming = Incoming(channel=self.channel, user_key=self.user, **fields)  # type: ignore[arg-type]
        self.replies = await self.engine.handle(incoming)
        return self.replies

    async def say(self, text: str) -> list[Reply]:
        """Type `text`."""
        return await self.send(text=text)

    async def tap(self, value: str) -> list[Reply]:
        """Tap the button whose value is `value`."""
        return await self.send(action=value)

    async def share(self, phone: str) -> list[Reply]:
        """Share a contact."""
        return await self.send(contact=Contact(phone=phone))

    async def attach(self, attachment: Attachment) -> list[Reply]:
        """Send a photo or document."""
        return await self.send(attachment=attachment)

    @property
    def text(self) -> str:
        """All reply texts of the last answer, joined."""
        return "\n".join(r.text for r in self.replies)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(label, value) of the choices in the last reply that has any."""
        for reply in reversed(self.replies):
            if reply.choices:
                return [(c.label, c.value) for c in reply.choices]
        return []

    def value(self, fragment: str) -> str:
        """The value of the offered choice whose label or value contains `fragment`."""
        for label, value in self.choices:
            if fragment.lower() in label.lower() or fragment == value:
                return value
        raise AssertionError(f"no choice like {fragment!r} in {self.choices}")


def screenshot_folder(tmp_path: Path) -> Path:
    """Where a browser test saves its pictures: its temporary folder, so a test run leaves the
    work tree clean; `docs/screenshots` when OCOP_UPDATE_SCREENSHOTS=1 (refreshing the docs)."""
    if os.environ.get("OCOP_UPDATE_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    else:
        folder = tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
