"""`ocop-bot courses create|report`: a course with a code, unknown tags refused, its report."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.cli.courses import create, parse_tags, report
from bot.settings import Settings
from conversations.quiz.tables import Course
from tests.support import Database


def _settings(database: Database) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


async def _courses(database: Database) -> list[Course]:
    async with database.open()() as session:
        return list((await session.exec(select(Course))).all())


async def test_create_then_report(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    settings = _settings(database)
    assert await create(settings, "Lớp OCOP Cà Mau", parse_tags("ocop-basics, "), 30) == 0
    out = capsys.readouterr().out
    code = re.search(r"khoa ([A-Z2-9]{6})", out)
    assert code is not None
    [course] = await _courses(database)
    assert course.tags == ["ocop-basics"] and course.code == code.group(1)
    assert (course.expires_at - course.created_at).days == 30
    assert await report(settings, "lớp ocop cà mau", "en") == 0
    out = capsys.readouterr().out
    assert f"join code {course.code}" in out and "Trainees who joined: 0" in out
    assert await report(settings, course.code.lower(), "en") == 0


async def test_unknown_tags_and_names_change_nothing(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(database)
    assert await create(settings, "Lớp", ["no-such-tag"], 60) == 2
    assert "no-such-tag" in capsys.readouterr().err
    assert await _courses(database) == []
    assert await report(settings, "Lớp", "en") == 1
    for _ in range(2):
        assert await create(settings, "Lớp", [], 60) == 0
    assert await report(settings, "Lớp", "en") == 1
    assert "give the code" in capsys.readouterr().err
