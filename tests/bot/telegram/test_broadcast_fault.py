"""Fault test: `ocop-bot run` is killed (SIGKILL) in the middle of a 2,000-recipient broadcast
against a fake Telegram limited to 30 messages/s with injected 429s, then started again.

Every recipient gets the announcement; nobody gets it twice except at most the messages that
were in flight at the kill; the officer's report agrees with what the fake server recorded.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections import Counter
from pathlib import Path

from sqlmodel import col, func, select

from conversations.announcements import broadcasts
from conversations.announcements.audience import Audience
from conversations.announcements.broadcasts import Broadcast
from conversations.clock import utcnow
from conversations.models import User
from conversations.outbox import OutboxMessage
from testbed.producers import telegram_producers
from testbed.telegram_api import FakeBotApi
from tests.support import Database

RECIPIENTS = 2_000
OFFICER_CHAT = 1
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start_bot(api: FakeBotApi, database: Database) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_WEBHOOK_URL": "",
        "OCOP_PORT": str(_free_port()),
        "OCOP_SECRET_KEY": "fault-test-secret-key-0123456789-abcdef",
        "QUIET_HOURS": "",  # the test may run at night
        "TELEGRAM_RATE_PER_SECOND": "30",
        "DELIVERY_STUCK_SECONDS": "3",
        "BROADCAST_PROGRESS_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
        "PTB_TIMEDELTA": "true",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
    )


async def test_kill_mid_broadcast_and_restart(database: Database) -> None:
    chats = await telegram_producers(database.sessions, RECIPIENTS)
    async with database.sessions() as session, session.begin():
        officer = User(
            channel="telegram",
            external_id=str(OFFICER_CHAT),
            locale="en",
            role="officer",
            last_inbound_at=utcnow(),
        )
        session.add(officer)
        await session.flush()
        broadcast = await broadcasts.create(
            session,
            officer=officer,
            text="Hội chợ OCOP Cà Mau: 20/12, Quảng trường.",
            audience=Audience(),
            send_at=utcnow(),
            urgent=False,
        )
        broadcast_id = broadcast.id

    async with FakeBotApi(rate_limit=30) as api:
        api.fail("sendMessage", status=429, retry_after=1, times=3)

        def delivered() -> list[int]:
            return [
                s.chat_id
                for s in api.sent
                if s.method == "sendMessage" and s.chat_id != OFFICER_CHAT
            ]

        bot = await _start_bot(api, database)
        try:
            await api.wait_until(lambda: len(delivered()) >= 700, within=120)
        finally:
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
        before_restart = len(delivered())
        async with database.sessions() as session:
            in_flight = int(
                (
                    await session.exec(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(
                            OutboxMessage.series == broadcasts.series(broadcast_id or 0),
                            OutboxMessage.status == "sending",
                        )
                    )
                ).one()
            )
        assert before_restart < RECIPIENTS, "the kill came too late to test anything"

        def reported() -> bool:
            return any("Report of announcement" in s.text for s in api.to(OFFICER_CHAT))

        bot = await _start_bot(api, database)
        try:
            await api.wait_until(reported, within=240)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()

    received = Counter(delivered())
    assert set(received) == set(chats), "someone never got the announcement"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= in_flight, (duplicates, in_flight)
    accepted = [s for s in api.sent if s.method == "sendMessage"]
    refused = len(api.calls_of("sendMessage")) - len(accepted)
    assert refused >= 3  # the injected 429s (and any from the 30/s limit) were retried

    async with database.sessions() as session:
        row = await session.get(Broadcast, broadcast_id)
        assert row is not None and row.status == "done"
        by_status = dict(
            (
                await session.exec(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.series == broadcasts.series(broadcast_id or 0))
                    .group_by(col(OutboxMessage.status))
                )
            ).all()
        )
    assert by_status == {"sent": RECIPIENTS}

    [report] = [s.text for s in api.to(OFFICER_CHAT) if "Report of announcement" in s.text]
    assert f"Recipients: {RECIPIENTS:,}" in report
    assert f"Delivered: {len(received):,}" in report
    assert re.search(r"Failed: 0\b", report) and re.search(r"Blocked the bot: 0\b", report)
    progress = [s.text for s in api.to(OFFICER_CHAT) if s.method == "editMessageText"]
    assert progress and all(f"/{RECIPIENTS:,}" in text for text in progress)
