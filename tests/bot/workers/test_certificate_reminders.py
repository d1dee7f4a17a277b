"""Certificate reminders follow the validity date printed on the certificate, and a product
registered after its last reminder day still gets one reminder (issue 17 §2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlmodel import select

from bot.workers.scheduler import ReminderScheduler
from conversations.clock import utcnow
from conversations.engine import Engine
from conversations.registration.exchange import import_producers
from conversations.registration.tables import Product
from conversations.services import Services
from knowledge.library import Library
from tests.bot.workers.test_reminders import HEADER, _rows, _scheduler, at
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database


async def _import(db: Database, library: Library, header: list[str], *rows: list[str]) -> None:
    async with db.sessions() as session, session.begin():
        report = await import_producers(session, [header, *rows], library, utcnow())
        assert not report.errors, report.errors


async def _days_with_reminders(
    scheduler: ReminderScheduler, now: list, first: date, last: date
) -> list[date]:
    sent_on = []
    day = first
    while day <= last:
        now[0] = at(day)
        if await scheduler.run_once():
            sent_on.append(day)
        day += timedelta(days=1)
    return sent_on


async def test_reminders_use_the_printed_validity_date(
    database: Database, services: Services, library: Library
) -> None:
    printed = date(2027, 2, 5)  # decided 10/06/2024, valid from a later date, until 05/02/2027
    await _import(
        database,
        library,
        [*HEADER, "hiệu lực đến"],
        ["HTX A", "An", "0912345678", "Xã Tân Ân", "Tôm khô", "1", "4", "10/06/2024", "5/2/2027"],
    )
    async with database.sessions() as session:
        product = (await session.exec(select(Product))).one()
    assert (product.valid_until, product.expiry_date) == (printed, printed)
    now = [at(printed - timedelta(days=200))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    sent_on = await _days_with_reminders(scheduler, now, printed - timedelta(days=199), printed)
    assert sent_on == [printed - timedelta(days=d) for d in (180, 90, 30)]
    rows = await _rows(database)
    assert all("05/02/2027" in r.text for r in rows)


async def test_a_certificate_registered_after_its_last_reminder_day_gets_one(
    database: Database, services: Services, library: Library
) -> None:
    expiry = date(2027, 6, 10)
    now = [at(expiry - timedelta(days=21))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()  # planned before the product exists
    now[0] = at(expiry - timedelta(days=20))
    await _import(
        database,
        library,
        HEADER,
        ["HTX A", "An", "0912345678", "Xã Tân Ân", "Tôm khô", "1", "4", "10/06/2024"],
    )
    sent_on = await _days_with_reminders(
        scheduler, now, expiry - timedelta(days=20), expiry + timedelta(days=3)
    )
    assert sent_on == [expiry - timedelta(days=20)]  # once, not every day after
    [row] = await _rows(database)
    assert row.kind == "certificate_expiry" and "(còn 20 ngày" in row.text
    assert row.dedupe_key.endswith(":catch-up")


async def test_no_catch_up_after_the_normal_last_reminder(
    database: Database, services: Services, library: Library
) -> None:
    await _import(
        database,
        library,
        HEADER,
        ["HTX A", "An", "0912345678", "Xã Tân Ân", "Tôm khô", "1", "4", "10/06/2024"],
    )
    expiry = date(2027, 6, 10)
    now = [at(expiry - timedelta(days=31))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    sent_on = await _days_with_reminders(scheduler, now, expiry - timedelta(days=30), expiry)
    assert sent_on == [expiry - timedelta(days=30)]
    [row] = await _rows(database)
    assert row.dedupe_key.endswith(":30")


async def test_a_product_registered_in_chat_with_the_printed_date(
    database: Database, services: Services, assistant: Callable[[], Engine]
) -> None:
    chat = Chat(assistant())
    for line, _ in RATED[:-1]:
        await chat.say(line)
    await chat.say("05/02/2027")
    await chat.say("Lưu")
    printed = date(2027, 2, 5)
    now = [at(printed - timedelta(days=91))]
    scheduler = _scheduler(database, services, now)
    await scheduler.run_once()
    sent_on = await _days_with_reminders(scheduler, now, printed - timedelta(days=90), printed)
    assert sent_on == [printed - timedelta(days=d) for d in (90, 30)]
    rows = await _rows(database)
    assert [r.status for r in rows] == ["pending", "pending"]
    assert rows[0].user_id is not None and "tôm khô Rạch Gốc" in rows[0].text
