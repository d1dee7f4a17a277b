"""Courses: creating one with a join code, joining, and officers' results per course."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.models import User
from conversations.quiz.tables import Course, CourseMember, QuizAnswer, QuizLearner
from conversations.registration.tables import Producer
from knowledge.quiz import QuizBank, QuizQuestion

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another: no 0/O, no 1/I."""
CODE_LENGTH = 6
CODE_DAYS = 60
"""How long a join code works by default."""
HARDEST = 5
_CODE_INPUT = re.compile(r"[\s\-.]+")

JoinOutcome = Literal["joined", "already", "expired", "unknown"]


def new_code() -> str:
    """A random join code such as "K7QW3P"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces, dashes or dots."""
    return _CODE_INPUT.sub("", text).upper()


async def create_course(
    session: AsyncSession,
    name: str,
    now: datetime,
    *,
    tags: Sequence[str] = (),
    created_by: int | None = None,
    days: int = CODE_DAYS,
) -> Course:
    """A new course with a code no other course uses."""
    code = new_code()
    while await course_by_code(session, code) is not None:
        code = new_code()
    course = Course(
        code=code, name=name.strip()[:120], tags=list(tags), created_by=created_by,
        created_at=now, expires_at=now + timedelta(days=days),
    )
    session.add(course)
    await session.flush()
    return course


async def course_by_code(session: AsyncSession, code: str) -> Course | None:
    """The course with this join code (typed loosely), or None."""
    query = select(Course).where(Course.code == clean_code(code))
    return (await session.exec(query)).first()


async def courses_named(session: AsyncSession, name_or_code: str) -> list[Course]:
    """Courses whose code, or whole name ignoring case, is `name_or_code`."""
    by_code = await course_by_code(session, name_or_code)
    if by_code is not None:
        return [by_code]
    query = select(Course).order_by(col(Course.id))
    wanted = name_or_code.strip().casefold()
    return [c for c in (await session.exec(query)).all() if c.name.casefold() == wanted]


async def join(
    session: AsyncSession, user_id: int, code: str, now: datetime
) -> tuple[JoinOutcome, Course | None]:
    """Add the user to the course of `code`; a wrong or expired code changes nothing."""
    course = await course_by_code(session, code)
    if course is None:
        return "unknown", None
    if await session.get(CourseMember, (course.id, user_id)) is not None:
        return "already", course
    if course.expires_at <= now:
        return "expired", course
    session.add(CourseMember(course_id=course.id or 0, user_id=user_id, joined_at=now))
    await session.flush()
    return "joined", course


async def courses_of(session: AsyncSession, user_id: int) -> list[Course]:
    """The courses the user joined, latest first."""
    query = (
        select(Course)
        .join(CourseMember, col(CourseMember.course_id) == col(Course.id))
        .where(CourseMember.user_id == user_id)
        .order_by(col(CourseMember.joined_at).desc())
    )
    return list((await session.exec(query)).all())


def course_questions(bank: QuizBank, course: Course) -> list[QuizQuestion]:
    """The questions a course covers: those with one of its tags, or all without tags."""
    if not course.tags:
        return list(bank.questions)
    return [q for q in bank.questions if set(q.courses) & set(course.tags)]


@dataclass(frozen=True, slots=True)
class CourseReport:
    """What officers see of one course."""

    course: Course
    members: int
    participants: int
    answers: int
    correct: int
    average: float
    """The participants' mean share of right answers, 0–100."""
    hardest: tuple[tuple[str, int, int], ...]
    """(question id, answers, right answers), the lowest share right first."""


async def report(session: AsyncSession, course: Course) -> CourseReport:
    """Participation, average score and hardest questions of a course's quiz."""
    members = (
        await session.exec(select(CourseMember.user_id).where(CourseMember.course_id == course.id))
    ).all()
    rows = (
        await session.exec(
            select(QuizAnswer.user_id, QuizAnswer.question_id, QuizAnswer.correct).where(
                QuizAnswer.course_id == course.id, col(QuizAnswer.user_id).in_(members)
            )
        )
    ).all()
    per_user: dict[int, list[bool]] = {}
    asked: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for user_id, question_id, correct in rows:
        per_user.setdefault(user_id, []).append(correct)
        asked[question_id] += 1
        right[question_id] += int(correct)
    shares = [100 * sum(marks) / len(marks) for marks in per_user.values()]
    hardest = sorted(asked, key=lambda q: (right[q] / asked[q], -asked[q], q))[:HARDEST]
    return CourseReport(
        course=course,
        members=len(members),
        participants=len(per_user),
        answers=len(rows),
        correct=sum(right.values()),
        average=sum(shares) / len(shares) if shares else 0.0,
        hardest=tuple((q, asked[q], right[q]) for q in hardest if right[q] < asked[q]),
    )


def given_name(full_name: str) -> str:
    """The given name: the last word of a Vietnamese full name ("Nguyễn Thị Lan" → "Lan")."""
    words = full_name.split()
    return words[-1] if words else ""


async def leaderboard(session: AsyncSession, course: Course) -> list[tuple[int, str, int]]:
    """(user id, given name, right answers) of the members who opted in, best first."""
    query = (
        select(User, Producer.representative)
        .join(CourseMember, col(CourseMember.user_id) == col(User.id))
        .join(QuizLearner, col(QuizLearner.user_id) == col(User.id))
        .outerjoin(Producer, col(Producer.user_id) == col(User.id))
        .where(CourseMember.course_id == course.id, col(QuizLearner.leaderboard).is_(True))
    )
    people = {user.id: (user, rep) for user, rep in (await session.exec(query)).all()}
    answers = (
        await session.exec(
            select(QuizAnswer.user_id).where(
                QuizAnswer.course_id == course.id,
                col(QuizAnswer.correct).is_(True),
                col(QuizAnswer.user_id).in_(list(people)),
            )
        )
    ).all()
    scores = Counter(answers)
    board = [
        (uid, given_name(rep or user.display_name), scores[uid])
        for uid, (user, rep) in people.items()
        if uid is not None
    ]
    return sorted(board, key=lambda row: (-row[2], row[1], row[0]))
