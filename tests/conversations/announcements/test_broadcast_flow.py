"""Officers compose announcements in chat; producers stop them; non-officers reach nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from conversations.announcements.broadcasts import Broadcast
from conversations.announcements.flow import parse_when
from conversations.clock import utcnow
from conversations.engine import Engine
from conversations.messages import Attachment
from conversations.models import Conversation, User
from conversations.officers import roles as officers
from conversations.outbox import OutboxMessage, ReminderOptOut
from conversations.services import Services
from testbed.producers import Seeded, add_producer
from tests.support import Chat, Database

OFFICER_TEXT = "Họp {name} lúc 8:00 {{ 7*7 }} <b>x</b> %s *đậm* _nghiêng_ [a](http://x)"


@pytest.fixture
async def world(database: Database) -> dict[str, Seeded]:
    """Six producers in two communes, on several channels, in several situations."""
    old = utcnow() - timedelta(days=8)
    async with database.sessions() as session, session.begin():
        seeded = {
            "tg": await add_producer(session, name="a1", commune="Xã A", channel="telegram"),
            "zalo_old": await add_producer(
                session, name="a2", commune="Xã A", channel="zalo", last_inbound=old
            ),
            "blocked": await add_producer(
                session, name="a3", commune="Xã A", channel="telegram", reachable=False
            ),
            "stopped": await add_producer(
                session, name="a4", commune="Xã A", channel="telegram", opted_out=True
            ),
            "imported": await add_producer(session, name="a5", commune="Xã A", channel=None),
            "web_b": await add_producer(
                session, name="b1", commune="Xã B", channel="web", stage="rated", group="drinks"
            ),
        }
    return seeded


async def _officer(database: Database, engine: Engine, lang: str = "en") -> Chat:
    chat = Chat(engine, "officer-1", lang=lang)
    await chat.say("menu")
    async with database.sessions() as session, session.begin():
        await officers.grant(session, chat.channel, chat.user)
    return chat


async def _rows(database: Database) -> list[OutboxMessage]:
    async with database.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "announcement")
        return list((await session.exec(query.order_by(col(OutboxMessage.id)))).all())


async def _broadcasts(database: Database) -> list[Broadcast]:
    async with database.sessions() as session:
        return list((await session.exec(select(Broadcast).order_by(col(Broadcast.id)))).all())


async def test_whole_flow_to_one_commune_counts_preview_and_rows(
    database: Database,
    assistant: Callable[[], Engine],
    services: Services,
    world: dict[str, Seeded],
) -> None:
    services.channels = {"telegram": None, "zalo": timedelta(days=7), "web": None}
    chat = await _officer(database, assistant())
    await chat.say("menu")
    await chat.say("thông báo")  # the officers' menu entry, typed
    assert "New announcement" in chat.text
    await chat.say(OFFICER_TEXT)
    assert "Add a photo?" in chat.text
    await chat.tap("photo:next")
    assert "Who should receive it?" in chat.text
    assert "Producers" in chat.text
    await chat.tap("aud:communes")
    labels = [label for label, _ in chat.choices]
    assert "Xã A (5)" in labels and "Xã B (1)" in labels
    await chat.tap("opt:Xã A")
    assert "✓ Xã A (5)" in [label for label, _ in chat.choices]
    await chat.tap("done")
    assert "commune: Xã A" in chat.text
    await chat.tap("aud:next")

    lead, preview, counts = chat.replies
    assert "Preview" in lead.text
    assert OFFICER_TEXT in preview.text  # verbatim: never formatted, never a template
    assert "Recipients: 5" in counts.text
    assert "Telegram: 1 will receive it, 1 unreachable, 1 opted out" in counts.text
    assert "Zalo: 0 will receive it, 1 outside the Zalo window" in counts.text
    assert "No chat channel: 0 will receive it, 1 unreachable" in counts.text
    assert "It will be sent to: 1" in counts.text

    await chat.tap("when:now")
    assert "Send this announcement now? Recipients: 1." in chat.text
    await chat.tap("ok")
    assert "is being sent. Recipients: 4." in chat.text  # all but the one who opted out

    rows = await _rows(database)
    assert len(rows) == 4
    by_user = {r.user_id: r for r in rows}
    assert world["stopped"].user_id not in by_user
    assert by_user[None].status == "no_channel" and by_user[None].producer_id == (
        world["imported"].producer_id
    )
    assert all(OFFICER_TEXT in r.text for r in rows)
    assert {r.dedupe_key for r in rows} >= {f"bc:1:u{world['tg'].user_id}"}
    [broadcast] = await _broadcasts(database)
    assert broadcast.status == "sending" and broadcast.total == 4 and broadcast.opted_out == 1


async def test_photo_goes_with_the_text_on_the_officers_channel(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    chat = await _officer(database, assistant())
    chat.channel = "telegram"
    await chat.say("menu")
    async with database.sessions() as session, session.begin():
        await officers.grant(session, "telegram", chat.user)
    await chat.say("gửi thông báo")
    await chat.say("Hội chợ OCOP ngày 20/12")
    await chat.attach(Attachment("photo", "PHOTO-FILE-ID", "image/jpeg"))
    assert "Who should receive it?" in chat.text
    await chat.tap("aud:next")
    assert chat.replies[1].attachment is not None
    assert "The photo goes to Telegram users only" in chat.text
    await chat.tap("when:now")
    await chat.tap("ok")
    rows = {r.user_id: r for r in await _rows(database)}
    assert rows[world["tg"].user_id].attachment == {
        "kind": "photo",
        "file_ref": "PHOTO-FILE-ID",
        "mime_type": "image/jpeg",
    }
    assert rows[world["web_b"].user_id].attachment is None


async def test_schedule_history_and_cancel(
    database: Database,
    assistant: Callable[[], Engine],
    services: Services,
    world: dict[str, Seeded],
) -> None:
    chat = await _officer(database, assistant())
    await chat.say("thông báo")
    await chat.say("Lớp tập huấn tuần sau")
    await chat.tap("photo:next")
    await chat.tap("aud:stages")
    await chat.tap("opt:rated")
    await chat.tap("done")
    await chat.tap("aud:next")
    assert "Recipients: 1" in chat.text
    await chat.tap("when:later")
    await chat.say("32/13 8:00")
    assert "could not read" in chat.text
    await chat.say("1/1/2020 8:00")
    assert "passed" in chat.text or "could not read" in chat.text
    local = (utcnow() + timedelta(days=10)).astimezone(services.timezone)
    await chat.say(f"{local.day}/{local.month}/{local.year} 22:30")
    assert "quiet hours" in chat.text
    await chat.tap("urgent")
    assert "Urgent" in chat.text
    await chat.tap("ok")
    assert "is scheduled for" in chat.text
    [broadcast] = await _broadcasts(database)
    assert broadcast.status == "scheduled" and broadcast.urgent
    assert broadcast.send_at.astimezone(services.timezone).hour == 22
    assert await _rows(database) == []  # rows are written when its time comes

    await chat.say("thông báo")
    await chat.tap("bcast:history")  # offered while asking for the text
    assert f"#{broadcast.id}" in chat.text
    await chat.tap(f"bcast:show:{broadcast.id}")
    await chat.tap(f"bcast:cancel:{broadcast.id}")
    await chat.tap(f"bcast:cancelok:{broadcast.id}")
    assert "is cancelled" in chat.text
    [broadcast] = await _broadcasts(database)
    assert broadcast.status == "cancelled"


async def test_a_non_officer_reaches_no_step(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    engine = assistant()
    producer = Chat(engine, "a1", channel="telegram", lang="en")
    await producer.say("thông báo")
    assert "New announcement" not in producer.text
    for value in ("bcast:new", "bcast:history", "bcast:menu", "bcast:cancelok:1"):
        await producer.tap(value)
        assert "New announcement" not in producer.text
        assert "Past announcements" not in producer.text
    # A forged state (as if a replayed officer conversation): the step refuses and stores nothing.
    async with database.sessions() as session, session.begin():
        user = (await session.exec(select(User).where(User.external_id == "a1"))).one()
        conv = await session.get(Conversation, user.id)
        assert conv is not None
        conv.state = "broadcast:confirm"
        conv.data = {"form": {"text": "x", "audience": {"everyone": True}, "recipients": 9}}
        conv.choices = [["ok", "ok"]]
    await producer.tap("ok")
    assert "chỉ dành cho cán bộ OCOP" in producer.text  # the seeded producer speaks Vietnamese
    assert await _broadcasts(database) == [] and await _rows(database) == []


async def test_a_revoked_officer_is_stopped_mid_flow(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    chat = await _officer(database, assistant())
    await chat.say("thông báo")
    await chat.say("Nội dung")
    async with database.sessions() as session, session.begin():
        assert await officers.revoke(session, chat.channel, chat.user)
    await chat.tap("photo:next")
    assert "for OCOP officers only" in chat.text
    await chat.say("menu")
    assert all(not v.startswith("bcast") for _, v in chat.choices)


async def test_producers_stop_and_restart_announcements(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    producer = Chat(assistant(), "a1", channel="telegram", lang="en")

    async def stopped() -> int:
        async with database.sessions() as session:
            query = (
                select(func.count())
                .select_from(ReminderOptOut)
                .where(
                    ReminderOptOut.user_id == world["tg"].user_id,
                    ReminderOptOut.kind == "announcement",
                )
            )
            return int((await session.exec(query)).one())

    await producer.say("Dừng thông báo")
    assert "sẽ không nhận thông báo nữa" in producer.text and await stopped() == 1
    await producer.say("dung thong bao")
    assert await stopped() == 1
    await producer.say("nhận thông báo")
    assert "Đã bật lại thông báo" in producer.text and await stopped() == 0
    await producer.tap("announce:off")  # the button under every announcement
    assert await stopped() == 1


async def test_invite_code_makes_an_officer_once(
    database: Database, assistant: Callable[[], Engine]
) -> None:
    async with database.sessions() as session, session.begin():
        code = await officers.create_invite(session, utcnow())
    engine = assistant()
    first, second = Chat(engine, "x1", lang="en"), Chat(engine, "x2", lang="en")
    await first.say("/canbo WRONG123")
    assert "do not know this code" in first.text
    await first.say(f"/canbo {code.lower()}")
    assert "You are now an OCOP officer" in first.text
    await second.say(f"/canbo {code}")
    assert "already been used" in second.text
    async with database.sessions() as session:
        roles = {
            u.external_id: u.role
            for u in await session.exec(select(User).where(col(User.external_id).in_(["x1", "x2"])))
        }
    assert roles == {"x1": "officer", "x2": "user"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/12 8:00", datetime(2026, 12, 15, 8, 0)),
        ("15/12 8h", datetime(2026, 12, 15, 8, 0)),
        ("15.12.26 14:30", datetime(2026, 12, 15, 14, 30)),
        ("2/1 7:05", datetime(2027, 1, 2, 7, 5)),  # already past this year: next January
        ("31/2 8:00", None),
        ("15/12 24:00", None),
        ("15/12", None),
        ("mai 8 giờ", None),
    ],
)
def test_parse_when(typed: str, expected: datetime | None) -> None:
    assert parse_when(typed, date(2026, 12, 1)) == expected


async def _at_confirm(database: Database, engine: Engine) -> Chat:
    chat = await _officer(database, engine)
    await chat.say("menu")
    await chat.say("thông báo")
    await chat.say("Họp chủ thể OCOP sáng thứ Hai")
    await chat.tap("photo:next")
    await chat.tap("aud:everyone")
    if "Send this announcement now?" not in chat.text:
        await chat.tap("aud:next")
        await chat.tap("when:now")
    assert "Send this announcement now?" in chat.text
    return chat


async def test_confirming_twice_at_once_sends_one_announcement(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    chat = await _at_confirm(database, assistant())
    other = Chat(assistant(), chat.user, lang="en")  # the same officer through another worker
    await asyncio.gather(chat.tap("ok"), other.tap("ok"))
    assert len(await _broadcasts(database)) == 1


async def test_a_replayed_confirmation_is_one_shot(
    database: Database, assistant: Callable[[], Engine], world: dict[str, Seeded]
) -> None:
    chat = await _at_confirm(database, assistant())
    async with database.sessions() as session:
        before = (await session.exec(select(Conversation))).all()
        saved = {c.user_id: (c.state, dict(c.data), list(c.choices)) for c in before}
    await chat.tap("ok")
    assert "is being sent" in chat.text
    rows = len(await _rows(database))
    async with database.sessions() as session, session.begin():  # the confirm step again,
        for conv in (await session.exec(select(Conversation))).all():  # with the same token
            conv.state, conv.data, conv.choices = saved[conv.user_id]
            session.add(conv)
    await chat.tap("ok")
    assert "Announcement #1 is already saved." in chat.text
    assert len(await _broadcasts(database)) == 1
    assert len(await _rows(database)) == rows
