"""Announcements on Telegram: the officer's text arrives as typed (no parse mode), a photo goes
with it, the stop button works, and the officer's progress line is edited in place."""

from __future__ import annotations

from datetime import time, timedelta

from bot.workers.broadcasts import BroadcastDispatcher
from bot.workers.delivery import DeliveryWorker, QuietHours
from conversations.announcements import broadcasts
from conversations.announcements.audience import Audience, opted_out
from conversations.assistant import build_router
from conversations.clock import utcnow
from conversations.models import User
from testbed import telegram_updates as updates
from testbed.producers import add_producer
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

TRICKY = "Họp {name} {{ 7*7 }} <b>đậm</b> *sao* _gạch_ [link](http://x) %s & 100%"
OFFICER, LAN, HOA = 700, 701, 702


async def test_announcement_text_is_data_and_progress_is_edited(
    telegram: Harness, api: FakeBotApi
) -> None:
    channel = await telegram.start(router=build_router)
    sessions = telegram.sessions()
    async with sessions() as session, session.begin():
        for uid in (LAN, HOA):
            await add_producer(session, name=f"n{uid}", commune="Xã A", external_id=str(uid))
        officer = User(channel="telegram", external_id=str(OFFICER), role="officer", locale="vi")
        session.add(officer)
        await session.flush()
        broadcast = await broadcasts.create(
            session,
            officer=officer,
            text=TRICKY,
            audience=Audience(),
            send_at=utcnow(),
            urgent=False,
            photo={"channel": "telegram", "file_ref": "PHOTO-1", "mime_type": ""},
        )
    senders = {"telegram": channel}
    never = QuietHours(time(0, 0), time(0, 0))
    dispatcher = BroadcastDispatcher(
        sessions, telegram.services, senders, {}, progress_every=timedelta(0)
    )
    worker = DeliveryWorker(sessions, senders, {}, telegram.services.timezone, quiet=never)
    await dispatcher.run_once()  # rows written, progress line sent
    await dispatcher.run_once()  # progress line edited
    await worker.run_once()
    await dispatcher.run_once()  # done: the report is queued
    await worker.run_once()

    for uid in (LAN, HOA):
        [sent] = api.to(uid)
        assert sent.method == "sendPhoto" or TRICKY in sent.text
        shown = sent.params.get("caption") or sent.params.get("text")
        assert TRICKY in shown and "parse_mode" not in sent.params
        assert "dừng thông báo" in shown
    [line] = [s for s in api.to(OFFICER) if s.method == "sendMessage" and "đã gửi 0/2" in s.text]
    # Edited in place with the same numbers: Telegram answers "message is not modified",
    # which is no error (nothing shown changes).
    assert [c.params["message_id"] for c in api.calls_of("editMessageText")] == [line.message_id]
    assert any("Báo cáo thông báo" in s.text and "Đã gửi: 2" in s.text for s in api.to(OFFICER))

    # The 🔕 button under the announcement stops the next ones.
    button = api.to(LAN)[0].reply_markup
    assert button is not None
    data = [b["callback_data"] for row in button["inline_keyboard"] for b in row]
    await api.push(updates.tap(LAN, data[0]))
    await api.wait_until(lambda: len(api.to(LAN)) == 2)
    assert "không nhận thông báo nữa" in api.texts(LAN)[-1]
    async with sessions() as session:
        stopped = await opted_out(session)
    lan = await telegram.user(LAN)
    assert lan is not None and lan.id in stopped
    assert broadcast.id is not None
