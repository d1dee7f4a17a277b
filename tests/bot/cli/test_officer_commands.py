"""`ocop-bot officers add|list|remove|invite|set-password`: role, invite codes, passwords."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from bot.admin.passwords import verify_password
from bot.cli import officers as oc
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.models import User
from conversations.officers import roles as officers
from tests.support import Database


def _settings(database: Database) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


async def _user(database: Database, channel: str, external: str) -> User | None:
    async with database.sessions() as session:
        query = select(User).where(User.channel == channel, User.external_id == external)
        return (await session.exec(query)).first()


async def test_add_list_remove(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    settings = _settings(database)
    assert await oc.add(settings, "telegram", "123456") == 0
    assert await oc.add(settings, "telegram", "123456") == 0  # again: nothing changes
    assert "was already an officer" in capsys.readouterr().out
    user = await _user(database, "telegram", "123456")
    assert user is not None and user.role == "officer"
    assert await oc.list_all(settings) == 0
    assert "telegram:123456" in capsys.readouterr().out
    assert await oc.remove(settings, "telegram", "123456") == 0
    assert await oc.remove(settings, "telegram", "123456") == 1  # not an officer any more
    user = await _user(database, "telegram", "123456")
    assert user is not None and user.role == "user"
    assert await oc.add(settings, "telegram", " bad id") == 2


async def test_set_password_from_stdin(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(database)
    assert await oc.set_password(settings, "lan", io.StringIO("a-long-password\n")) == 1
    assert "no web officer" in capsys.readouterr().err
    assert await oc.add(settings, "web", "lan") == 0
    assert await oc.set_password(settings, "lan", io.StringIO("short\n")) == 2
    assert await oc.set_password(settings, "lan", io.StringIO("a-long-password\n")) == 0
    async with database.sessions() as session:
        user = await officers.web_officer(session, "lan")
        assert user is not None
        stored = await officers.password_hash_of(session, user)
    assert stored is not None and stored.startswith("$argon2id$")
    assert verify_password(stored, "a-long-password") and not verify_password(stored, "wrong")
    assert await oc.remove(settings, "web", "lan") == 0  # the password goes with the role
    async with database.sessions() as session:
        assert await officers.password_hash_of(session, user) is None


async def test_invite_prints_a_code_that_works_once(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(database)
    assert await oc.invite(settings, 0) == 2
    assert await oc.invite(settings, 3) == 0
    found = re.search(r"/canbo ([A-Z2-9]{8})", capsys.readouterr().out)
    assert found is not None
    async with database.sessions() as session, session.begin():
        session.add(User(channel="zalo", external_id="z1"))
    async with database.sessions() as session, session.begin():
        user = await _user(database, "zalo", "z1")
        assert user is not None
        user = await session.get(User, user.id)
        assert user is not None
        assert await officers.redeem(session, user, found.group(1), utcnow()) == (
            "granted"
        )
    assert (await _user(database, "zalo", "z1")).role == "officer"  # type: ignore[union-attr]
