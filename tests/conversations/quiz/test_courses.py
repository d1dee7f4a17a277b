"""Courses: officers create them and read reports; trainees join by code; opt-in leaderboards."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from conversations.i18n import Catalogs
from conversations.quiz import courses
from conversations.quiz.courses import CODE_ALPHABET, CODE_LENGTH
from conversations.quiz.tables import Course, CourseMember, QuizAnswer
from tests.conversations.quiz.quiz_world import World, answer, open_quiz, write_bank
from tests.support import Chat, Database


@pytest.fixture
def world(database: Database, catalogs: Catalogs, tmp_path: Path) -> World:
    return World(database, catalogs, write_bank(tmp_path))


async def _count(world: World, table: type[Course] | type[CourseMember]) -> int:
    async with world.database.open()() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def _officer_course(world: World, chat: Chat, name: str = "OCOP basics") -> str:
    """The officer creates a course in chat; returns its join code."""
    await chat.say("menu")
    await world.make_officer(chat.user)
    await chat.say(f"/taokhoa {name}")
    assert "Course created." in chat.text
    found = re.search(r"khoa ([A-Z2-9]{6})$", chat.text)
    assert found is not None
    return found.group(1)


async def _course_run(chat: Chat, world: World, code: str, rights: list[bool]) -> list[str]:
    """Join with `code` from the menu, start the course quiz, answer right/wrong per `rights`."""
    await chat.say("menu")
    await chat.say(f"khoa {code}")
    await chat.tap(chat.value("Start the course quiz"))
    return [(await answer(chat, world.bank, right)).id for right in rights]


def test_codes_are_short_and_unambiguous() -> None:
    codes = {courses.new_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OI") & set(CODE_ALPHABET)
    assert courses.clean_code(" k7q-w3p ") == "K7QW3P"


async def test_join_with_wrong_expired_and_right_codes(world: World) -> None:
    engine = world.engine()
    code = await _officer_course(world, Chat(engine, "officer", lang="en"))
    trainee = Chat(engine, "t1", lang="en")
    await trainee.say("menu")
    await trainee.say("khoa ZZZZ22")
    assert "I don't know the course code ZZZZ22" in trainee.text
    await trainee.say("/khoa")
    assert "type “khoa” and the course code" in trainee.text
    await trainee.say("khóa học ocop")  # a question, not a code
    assert "course code" not in trainee.text
    assert await _count(world, CourseMember) == 0
    await trainee.say(f"Khóa {code.lower()}")
    assert "Welcome to the course “OCOP basics”" in trainee.text
    await trainee.say("menu")
    await trainee.say(f"/khoa {code}")
    assert "You are already in the course" in trainee.text
    world.clock.now += timedelta(days=61)
    late = Chat(engine, "t2", lang="en")
    await late.say("menu")
    await late.say(f"khoa {code}")
    assert f"The code {code} has expired" in late.text
    assert await _count(world, CourseMember) == 1


async def test_only_officers_create_courses_and_see_reports(world: World) -> None:
    engine = world.engine()
    producer = Chat(engine, "producer", lang="en")
    await producer.say("menu")
    await producer.say("/taokhoa Fake course")
    assert "for OCOP officers only" in producer.text
    assert await _count(world, Course) == 0
    code = await _officer_course(world, Chat(engine, "officer", lang="en"))
    await producer.say("menu")
    await producer.say(f"/baocao {code}")
    assert "for OCOP officers only" in producer.text and "Trainees who joined" not in producer.text
    async with world.database.open()() as session:
        course = (await session.exec(select(Course))).one()
    await producer.tap(f"quiz:course:{course.id}")  # a forged button: not on offer
    assert "older message" in producer.text
    assert await _count(world, Course) == 1 and await _count(world, CourseMember) == 0


async def test_report_numbers_match_the_answers(world: World) -> None:
    engine = world.engine()
    officer = Chat(engine, "officer", lang="en")
    code = await _officer_course(world, officer)
    first, second, idle = (Chat(engine, key, lang="en") for key in ("t1", "t2", "t3"))
    for chat in (first, second, idle):
        await chat.say("menu")
    rights = {
        "t1": [True, True, False, True, True, False, True, True, False, True],
        "t2": [True, False, True, False, True],
    }
    asked_ids = {
        "t1": await _course_run(first, world, code, rights["t1"]),
        "t2": await _course_run(second, world, code, rights["t2"]),
    }
    await idle.say(f"khoa {code}")
    await first.tap("again")  # a topic quiz outside the course does not count
    await first.tap("topics")
    await first.tap("topic:stars")
    await answer(first, world.bank, right=False)
    await officer.say(f"/baocao {code}")
    text = officer.text
    assert "Trainees who joined: 3" in text and "Took the quiz: 2" in text
    assert "Answers: 15 (10 right)" in text
    assert "Average score: 65%" in text  # (70% + 60%) / 2
    asked_count: Counter[str] = Counter()
    right_count: Counter[str] = Counter()
    for user, ids in asked_ids.items():
        for qid, right in zip(ids, rights[user], strict=True):
            asked_count[qid] += 1
            right_count[qid] += right
    missed = [q for q in asked_count if right_count[q] < asked_count[q]]
    hardest = sorted(missed, key=lambda q: (right_count[q] / asked_count[q], -asked_count[q], q))
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    expected = [f"• {right_count[q]}/{asked_count[q]} right — Question {q}?" for q in hardest[:5]]
    assert lines == expected
    async with world.database.open()() as session:
        answers = (await session.exec(select(QuizAnswer))).all()
    assert sum(a.course_id is not None for a in answers) == 15 and len(answers) == 16


async def test_leaderboard_shows_given_names_of_those_who_opted_in(world: World) -> None:
    engine = world.engine()
    code = await _officer_course(world, Chat(engine, "officer", lang="en"))
    lan, binh = Chat(engine, "lan", lang="en"), Chat(engine, "binh", lang="en")
    await open_quiz(lan, "Nguyễn Thị Lan")
    await lan.tap("settings")
    await lan.tap("board")
    assert "You are on your courses' leaderboards" in lan.text
    await open_quiz(binh, "Trần Văn Bình")
    await _course_run(lan, world, code, [True] * 10)
    await _course_run(binh, world, code, [True] * 9 + [False])
    await lan.tap("board")
    assert "1. Lan — 10 right ⬅️" in lan.text
    assert "Bình" not in lan.text and "Nguyễn" not in lan.text
    await binh.tap("board")
    assert "1. Lan — 10 right" in binh.text and "You are not on it" in binh.text
