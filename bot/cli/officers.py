"""`ocop-bot officers add|list|remove|invite|set-password`: who may act as an officer."""

from __future__ import annotations

import getpass
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.admin.passwords import WeakPassword, hash_password
from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.officers import roles as officers


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


def _valid_id(user_id: str) -> bool:
    return 0 < len(user_id) <= 128 and user_id.isprintable() and user_id.strip() == user_id


async def add(
    settings: Settings, channel: str, user_id: str, role: str = officers.OFFICER
) -> int:
    """Give (channel, user id) the officer (or editor) role."""
    if not _valid_id(user_id):
        print("ocop-bot: give a user id of 1 to 128 visible characters", file=sys.stderr)
        return 2
    async with _session(settings) as session:
        _, changed = await officers.grant(session, channel, user_id, role)
    title = "an officer" if role == officers.OFFICER else "an editor"
    print(f"{channel}:{user_id} {'is now' if changed else 'was already'} {title}")
    if channel == "web" and changed:
        print(f"set a dashboard password with: ocop-bot officers set-password {user_id}")
    return 0


async def remove(settings: Settings, channel: str, user_id: str) -> int:
    """Take the officer role away (and the dashboard password)."""
    async with _session(settings) as session:
        removed = await officers.revoke(session, channel, user_id)
    if not removed:
        print(f"ocop-bot: {channel}:{user_id} is not an officer", file=sys.stderr)
        return 1
    print(f"{channel}:{user_id} is no longer an officer")
    return 0


async def list_all(settings: Settings) -> int:
    """Print every officer, one a line."""
    async with _session(settings) as session:
        rows = await officers.list_officers(session)
    if not rows:
        print("no officers yet: ocop-bot officers add --channel telegram --user-id ID")
    for row in rows:
        extra = " (dashboard password set)" if row.has_password else ""
        if row.role != officers.OFFICER:
            extra = f" [{row.role}]{extra}"
        name = f" “{row.display_name}”" if row.display_name else ""
        print(f"{row.channel}:{row.external_id}{name}{extra}")
    return 0


async def invite(settings: Settings, days: int) -> int:
    """Print a one-time code that makes whoever types "/canbo CODE" in chat an officer."""
    if days < 1:
        print("ocop-bot: --days must be at least 1", file=sys.stderr)
        return 2
    async with _session(settings) as session:
        code = await officers.create_invite(session, utcnow(), days)
    print(f"invite code {code}: type “/canbo {code}” in the chat within {days} days (used once)")
    return 0


def read_password(stdin: TextIO) -> str | None:
    """The new password: asked twice on a terminal, else the first line of stdin."""
    if stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            print("ocop-bot: the two passwords differ", file=sys.stderr)
            return None
        return first
    return stdin.readline().rstrip("\r\n")


async def set_password(settings: Settings, name: str, stdin: TextIO = sys.stdin) -> int:
    """Set the dashboard password of web officer `name` (argon2id hash stored)."""
    password = read_password(stdin)
    if password is None:
        return 2
    try:
        hashed = hash_password(password)
    except WeakPassword as exc:
        print(f"ocop-bot: {exc}", file=sys.stderr)
        return 2
    async with _session(settings) as session:
        user = await officers.web_officer(session, name)
        if user is None:
            print(
                f"ocop-bot: no web officer “{name}”: first run "
                f"ocop-bot officers add --channel web --user-id {name}",
                file=sys.stderr,
            )
            return 1
        await officers.set_password_hash(session, user, hashed)
    print(f"password set for {name}")
    return 0
