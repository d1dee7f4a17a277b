"""Published knowledge goes live everywhere: two processes (engines) on one database, an edit
published through one is answered by the other after its next poll, with no restart; a broken
edit never reaches users."""

from __future__ import annotations

import asyncio
import time

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.curation import store
from conversations.curation.documents import Doc, dump
from conversations.curation.tables import LIVE
from conversations.i18n import Catalogs
from tests.support import Chat, Database

# Generous: the test proves an edit goes live with no restart; how fast (a 0.5 s poll plus an
# index rebuild of about a second on a quiet machine) is not something to time on a shared one.
WITHIN = 30.0
NEW_ANSWER = "Năm 2026, Cà Mau nhận hồ sơ OCOP đến hết ngày 15/05/2026 tại UBND xã/phường."


def _settings(database: Database) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


async def _publish(runtime: Runtime, key: str, **changes: object) -> list[object]:
    async with runtime.sessions() as session, session.begin():
        record = await store.find(session, "faq", key)
        assert record is not None
        data = Doc(record.kind, record.key, record.file, 0, record.body).data
        data.update(changes)
        doc = Doc(record.kind, record.key, record.file, record.position, dump(data))
        assert runtime.services.knowledge is not None
        return list(await store.change(
            session, runtime.services.knowledge, doc, status=LIVE, action="publish",
            author=store.Author("lan"), why="test", now=utcnow(),
        ))


async def test_an_edit_in_one_process_is_answered_by_the_other_with_no_restart(
    database: Database, catalogs: Catalogs
) -> None:
    async with (
        open_runtime(_settings(database), catalogs=catalogs) as first,
        open_runtime(_settings(database), catalogs=catalogs) as second,
    ):
        watcher = second.knowledge_watcher(0.5)
        await watcher.start()
        try:
            entry = second.services.faq.get("cycle-timing")
            question = entry.question["vi"]
            chat = Chat(second.engine, user="asker")
            await chat.say(question)
            assert NEW_ANSWER not in chat.replies[0].text
            broken = await _publish(first, "cycle-timing", rule_version="không-có")
            assert broken, "a broken entry is refused"
            answer = {"vi": NEW_ANSWER, "en": "In 2026 Cà Mau takes dossiers until 15/05/2026."}
            assert await _publish(first, "cycle-timing", answer=answer) == []
            published = time.monotonic()
            serving = second.services.faq
            while second.services.faq is serving:  # asking meanwhile would slow the rebuild
                assert time.monotonic() - published < WITHIN, "the edit never went live"
                await asyncio.sleep(0.05)
            await chat.say(question)
            assert NEW_ANSWER in chat.replies[0].text
            assert time.monotonic() - published < WITHIN, "the edit was not answered"
            assert "không-có" not in chat.replies[0].text
        finally:
            await watcher.stop()
