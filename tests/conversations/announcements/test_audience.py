"""Audience counts match the data: a seeded population checked against a plain recount."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from conversations.announcements import audience as aud
from conversations.announcements.audience import Audience
from conversations.clock import utcnow
from knowledge.library import Library
from testbed.producers import Seeded, add_producer
from tests.support import Database

COMMUNES = ("Xã Tân Thành", "Phường 8", "Xã Khánh Bình")
GROUPS = ("food", "drinks", "herbal")
CHANNELS = ("telegram", "zalo", "web", None)
WINDOW = timedelta(days=7)


def _required(library: Library, group: str) -> list[str]:
    return [i.id for i in library.checklist.items_for("first", group, None) if i.kind == "required"]


@pytest.fixture
async def population(database: Database, library: Library) -> list[dict[str, object]]:
    """40 producers with random channel, reachability, window, opt-out, filters, dossier."""
    rng = random.Random(7)
    people = []
    async with database.sessions() as session, session.begin():
        for i in range(40):
            group = rng.choice(GROUPS)
            required = _required(library, group)
            completeness = rng.choice(aud.COMPLETENESS)
            done = {
                "not_started": (),
                "in_progress": tuple(required[:1]),
                "complete": tuple(required),
            }[completeness]
            person: dict[str, object] = {
                "channel": rng.choice(CHANNELS),
                "reachable": rng.random() > 0.2,
                "days_silent": rng.choice((1, 3, 10)),
                "opted_out": rng.random() < 0.15,
                "commune": rng.choice(COMMUNES),
                "stage": rng.choice(("idea", "producing", "rated")),
                "group": group,
                "completeness": completeness,
            }
            seeded: Seeded = await add_producer(
                session,
                name=f"n{i}",
                commune=str(person["commune"]),
                channel=person["channel"],  # type: ignore[arg-type]
                stage=str(person["stage"]),
                group=group,
                reachable=bool(person["reachable"]),
                last_inbound=utcnow() - timedelta(days=int(person["days_silent"])),  # type: ignore[call-overload]
                opted_out=bool(person["opted_out"]) and person["channel"] is not None,
                done_items=done,
            )
            person["user_id"] = seeded.user_id
            people.append(person)
    return people


def _expected(people: list[dict[str, object]], audience: Audience) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for p in people:
        if audience.communes and p["commune"] not in audience.communes:
            continue
        if audience.groups and p["group"] not in audience.groups:
            continue
        if audience.stages and p["stage"] not in audience.stages:
            continue
        if audience.completeness and p["completeness"] not in audience.completeness:
            continue
        channel = p["channel"]
        if channel is None:
            key, outcome = "none", "unreachable"
        elif p["opted_out"]:
            key, outcome = str(channel), "opted_out"
        elif not p["reachable"]:
            key, outcome = str(channel), "unreachable"
        elif channel == "zalo" and int(p["days_silent"]) > 7:  # type: ignore[call-overload]
            key, outcome = str(channel), "window_closed"
        else:
            key, outcome = str(channel), "send"
        row = counts.setdefault(
            key, dict.fromkeys(("send", "opted_out", "unreachable", "window_closed"), 0)
        )
        row[outcome] += 1
    return counts


AUDIENCES = [
    Audience(),
    Audience(communes=("Phường 8",)),
    Audience(communes=("Phường 8", "Xã Tân Thành"), stages=("rated",)),
    Audience(groups=("drinks",)),
    Audience(groups=("food", "herbal"), completeness=("complete",)),
    Audience(completeness=("not_started", "in_progress")),
    Audience(communes=("Xã Khánh Bình",), groups=("food",), stages=("idea", "producing")),
]


@pytest.mark.parametrize("index", range(len(AUDIENCES)))
async def test_counts_match_a_recount(
    database: Database, library: Library, population: list[dict[str, object]], index: int
) -> None:
    audience = AUDIENCES[index]
    channels = {"telegram": None, "zalo": WINDOW, "web": None}
    async with database.sessions() as session:
        counts = await aud.count(session, library, audience, channels, utcnow())
    assert counts.by_channel == _expected(population, audience)
    assert counts.total() == sum(sum(r.values()) for r in _expected(population, audience).values())


async def test_everyone_and_courses(
    database: Database, library: Library, population: list[dict[str, object]]
) -> None:
    from conversations.models import User
    from conversations.quiz.tables import Course, CourseMember

    async with database.sessions() as session, session.begin():
        visitor = User(channel="web", external_id="visitor-without-profile")
        session.add(visitor)
        course = Course(code="ABC234", name="Khóa 1", expires_at=utcnow() + timedelta(days=9))
        session.add(course)
        await session.flush()
        members = [p["user_id"] for p in population if p["user_id"] is not None][:5]
        for uid in [*members, visitor.id]:
            session.add(CourseMember(course_id=course.id or 0, user_id=int(uid or 0)))
    async with database.sessions() as session:
        everyone = await aud.recipients(session, library, Audience(everyone=True))
        trainees = await aud.recipients(session, library, Audience(courses=(course.id or 0,)))
        trainees_in = await aud.recipients(
            session, library, Audience(courses=(course.id or 0,), communes=COMMUNES)
        )
    assert len(everyone) == len(population) + 1  # every producer once, plus the visitor
    assert {r.user.id for r in trainees if r.user} == {*members, visitor.id}
    assert {r.user.id for r in trainees_in if r.user} == set(members)  # the visitor has no commune
