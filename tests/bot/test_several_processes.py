"""Three `ocop-bot run` processes on one PostgreSQL: every web-chat message is answered once and
in order per user whichever process gets it, every outbox row is sent once, the scheduler's day
is planned once, and the officer's announcement report counts right."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select

from bot.channels.webchat.identity import COOKIE
from bot.database import create_engine, session_factory
from conversations.announcements import broadcasts
from conversations.announcements.audience import Audience
from conversations.channels.tables import WebMessage
from conversations.clock import utcnow
from conversations.models import User
from conversations.outbox import OutboxMessage, SchedulerRun
from conversations.registration.tables import Producer, Product
from tests.conftest import PG_URL, _truncate
from tests.conversations.registration.test_registration import RATED

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to run on PostgreSQL"),
]

PROCESSES = 3
VISITORS = 12
PHONE = "+84 912.345.678"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(url: str, folder: Path, port: int) -> subprocess.Popen[str]:
    folder.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OCOP_PORT": str(port),
        "OCOP_SECRET_KEY": "one-secret-for-every-process-of-this-test-0123456789",
        "QUIET_HOURS": "",
    }
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_APP_ID"):
        env.pop(name, None)
    with (folder / "out.log").open("w") as log:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], env=env, cwd=folder, stdout=log,
            stderr=subprocess.STDOUT, text=True,
        )


async def _healthy(base: str, proc: subprocess.Popen[str], within: float = 120) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "ocop-bot run exited"
            try:
                if (await client.get(f"{base}/healthz", timeout=2)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise AssertionError(f"{base} not healthy")


async def _visitor(bases: list[str], n: int) -> list[str]:
    """One visitor walks the whole registration, message i going to process i % 3."""
    async with httpx.AsyncClient(timeout=60) as client:
        first = bases[n % len(bases)]
        assert (await client.get(f"{first}/chat")).status_code == 200
        assert client.cookies.get(COOKIE)
        phone = PHONE.replace("678", f"{600 + n}")
        for i, (text, expected) in enumerate(RATED):
            base = bases[(n + i) % len(bases)]
            text = phone if text == PHONE else text
            response = await client.post(
                f"{base}/chat/api/messages",
                json={"id": f"visitor{n:02d}-{i:04d}", "text": text},
                headers={"origin": base, "sec-fetch-site": "same-origin"},
            )
            assert response.status_code == 200, response.text
            out = [f'{m["text"]} {m.get("choices", "")}' for m in response.json()["messages"]
                   if m["dir"] == "out"]
            assert any(expected in t for t in out), (n, i, text, out)
        response = await client.post(
            f"{bases[n % len(bases)]}/chat/api/messages",
            json={"id": f"visitor{n:02d}-save", "action": "save", "label": "Lưu"},
            headers={"origin": bases[n % len(bases)], "sec-fetch-site": "same-origin"},
        )
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json()["messages"] if m["dir"] == "out"]


async def test_three_processes_on_one_postgresql(pg_database: str, tmp_path: Path) -> None:
    await _truncate(pg_database)
    engine = create_engine(pg_database)
    try:
        await _scenario(engine, pg_database, tmp_path)
    finally:
        await engine.dispose()


async def _scenario(engine: AsyncEngine, pg_database: str, tmp_path: Path) -> None:
    sessions = session_factory(engine)
    local_today = utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    async with sessions() as session, session.begin():
        officer = User(channel="web", external_id="officer-visitor", role="officer",
                       last_inbound_at=utcnow())
        reminded = User(channel="web", external_id="rated-visitor", last_inbound_at=utcnow())
        session.add_all([officer, reminded])
        await session.flush()
        producer = Producer(user_id=reminded.id, representative="Lê Thị Hoa", name="HTX Hoa",
                            commune="Phường Tân Thành", consent_at=utcnow())
        session.add(producer)
        await session.flush()
        session.add(Product(producer_id=producer.id, name="mắm tôm", group_id="food",
                            set_id="fresh-produce", stage="rated", stars=4,
                            decision_date=local_today - timedelta(days=900),
                            expiry_date=local_today + timedelta(days=180)))
    ports = [_free_port() for _ in range(PROCESSES)]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    procs = [_start(pg_database, tmp_path / f"p{i}", p) for i, p in enumerate(ports)]
    try:
        await asyncio.gather(*(_healthy(b, p) for b, p in zip(bases, procs, strict=True)))
        saved = await asyncio.gather(*(_visitor(bases, n) for n in range(VISITORS)))
        assert all(any("Đã lưu" in t or "lưu" in t.lower() for t in out) for out in saved)

        async with sessions() as session, session.begin():
            officer = (await session.exec(select(User).where(
                User.external_id == "officer-visitor"))).one()
            broadcast = await broadcasts.create(
                session, officer=officer, text="Hội chợ OCOP: 20/12.", audience=Audience(),
                send_at=utcnow(), urgent=True,
            )
            broadcast_id = broadcast.id

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            async with sessions() as session:
                status = (await session.exec(select(broadcasts.Broadcast.status).where(
                    broadcasts.Broadcast.id == broadcast_id))).one()
                report = (await session.exec(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.dedupe_key == f"bc:{broadcast_id}:report",
                    OutboxMessage.status == "sent"))).one()
            if status == "done" and report:
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError(f"broadcast {broadcast_id} not done: {status}")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    async with sessions() as session:
        visitors = (await session.exec(select(User).where(
            User.channel == "web", col(User.external_id).not_in(
                ["officer-visitor", "rated-visitor"])))).all()
        assert len(visitors) == VISITORS
        for user in visitors:
            rows = (await session.exec(select(WebMessage).where(
                WebMessage.user_key == user.external_id).order_by(col(WebMessage.id)))).all()
            ins = [r.payload.get("mid") for r in rows if r.direction == "in"]
            assert len(ins) == len(RATED) + 1 == len(set(ins)), ins  # each stored once, in order
            assert ins == sorted(ins, key=lambda m: (m.endswith("save"), m))
            announcements = [r for r in rows if r.direction == "out" and "Hội chợ OCOP" in r.text]
            assert len(announcements) == 1, user.external_id  # sent once, by one process
        producers = (await session.exec(select(Producer))).all()
        assert len(producers) == VISITORS + 1
        assert len({p.phone for p in producers if p.phone}) == VISITORS
        today = select(SchedulerRun).where(SchedulerRun.day == local_today)
        runs = (await session.exec(today)).all()
        assert len(runs) == 1  # the day was planned by one process
        certificate = (await session.exec(select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).contains("cert")))).all()
        assert len(certificate) == 1, [r.dedupe_key for r in certificate]
        sends = (await session.exec(select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).startswith(f"bc:{broadcast_id}:u")))).all()
        assert len(sends) == VISITORS + 1  # every producer-side web user, once
        assert {r.status for r in sends} == {"sent"}
        reports = (await session.exec(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"bc:{broadcast_id}:report"))).all()
        assert [r.status for r in reports] == ["sent"]  # one report, sent once
        officer_rows = (await session.exec(select(WebMessage).where(
            WebMessage.user_key == "officer-visitor").order_by(col(WebMessage.id)))).all()
    report_lines = [r.text for r in officer_rows if f"#{broadcast_id}" in r.text]
    assert report_lines, "no report for the officer"

    assert str(VISITORS + 1) in report_lines[-1], report_lines[-1]
