"""`ocop-bot courses create|report`: officers open a course with a join code and read results."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.i18n import Catalogs
from conversations.quiz import courses
from conversations.quiz.replies import report_text
from conversations.quiz.tables import Course
from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.quiz import QuizBank, load_quiz


def _bank() -> QuizBank:
    problems: list[Problem] = []
    return load_quiz(default_root(), problems)


def parse_tags(text: str | None) -> list[str]:
    """"ocop-basics, ca-mau" → ["ocop-basics", "ca-mau"]."""
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


async def create(settings: Settings, name: str, tags: Sequence[str], days: int) -> int:
    """Create a course and print its join code; unknown tags or an empty name change nothing."""
    if not name.strip() or days < 1:
        print("ocop-bot: give a course name and a positive number of days", file=sys.stderr)
        return 2
    known = {tag for q in _bank().questions for tag in q.courses}
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        print(f"ocop-bot: no question has the tag(s) {', '.join(unknown)}; "
              f"known tags: {', '.join(sorted(known)) or 'none'}", file=sys.stderr)
        return 2
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            course = await courses.create_course(session, name, utcnow(), tags=tags, days=days)
    finally:
        await engine.dispose()
    zone = ZoneInfo(settings.timezone)
    print(f"course “{course.name}” created: join code {course.code}, "
          f"valid until {course.expires_at.astimezone(zone):%d/%m/%Y}")
    print(f"trainees type: khoa {course.code}")
    return 0


async def report(settings: Settings, name_or_code: str, lang: str | None = None) -> int:
    """Print the results of the course with this name or join code."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session:
            found = await courses.courses_named(session, name_or_code)
            if len(found) != 1:
                return _not_one(name_or_code, found)
            result = await courses.report(session, found[0])
    finally:
        await engine.dispose()
    texts = Catalogs().texts(lang or settings.default_locale)
    print(report_text(texts, result, _bank(), ZoneInfo(settings.timezone)))
    return 0


def _not_one(name: str, found: Sequence[Course]) -> int:
    if not found:
        print(f"ocop-bot: no course is named or coded {name!r}", file=sys.stderr)
        return 1
    print(f"ocop-bot: {len(found)} courses are named {name!r}; give the code:", file=sys.stderr)
    for course in found:
        print(f"  {course.code}  created {course.created_at:%d/%m/%Y}", file=sys.stderr)
    return 1
