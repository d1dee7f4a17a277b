"""Who may edit the knowledge: officers and editors; an editor cannot broadcast, answer
producers or export personal data; a producer reaches none of the knowledge routes; the
current rule regime, changed on the dashboard, is named in every answer's source line."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.admin.passwords import hash_password
from bot.admin.sessions import COOKIE, SessionPolicy, open_session
from conversations.clock import utcnow
from conversations.models import User
from conversations.officers.roles import grant, set_password_hash
from conversations.outbox import OutboxMessage
from tests.bot.admin.conftest import PASSWORD, Dashboard, Start, add_officer, csrf_of
from tests.support import Chat, Database

KNOWLEDGE_GETS = [
    "/admin/knowledge",
    "/admin/knowledge/faq/cycle-timing",
    "/admin/knowledge/calendar",
    "/admin/knowledge/rules",
    "/admin/knowledge/history",
    "/admin/knowledge/material",
    "/admin/knowledge/material/1",
]
KNOWLEDGE_POSTS = [
    "/admin/knowledge/faq/cycle-timing",
    "/admin/knowledge/faq/cycle-timing/retire",
    "/admin/knowledge/revisions/1/restore",
    "/admin/knowledge/calendar/ca-mau-2026:dossier-deadline-2026",
    "/admin/knowledge/rules",
    "/admin/inbox/1/draft",
    "/admin/knowledge/material/1/retire",
    "/admin/knowledge/material/passages/1/faq",
]
OFFICER_ONLY = [
    "/admin/inbox",
    "/admin/producers",
    "/admin/producers/1",
    "/admin/broadcasts",
    "/admin/exports/producers.csv",
    "/admin/exports/dossiers.xlsx",
    "/admin/files/1",
]


async def _with_role(database: Database, name: str, role: str) -> None:
    async with database.sessions() as session, session.begin():
        user, _ = await grant(session, "web", name, role)
        await session.flush()
        await set_password_hash(session, user, hash_password(PASSWORD))


async def test_an_editor_edits_knowledge_but_cannot_broadcast_or_export(
    start: Start, database: Database
) -> None:
    await _with_role(database, "bien-tap", "editor")
    dashboard = await start()
    client = dashboard.client()
    assert (await dashboard.login(client, name="bien-tap")).status_code == 303
    home = await client.get("/admin")
    assert home.headers["location"] == "/admin/knowledge"
    for path in KNOWLEDGE_GETS:
        assert (await client.get(path)).status_code == 200, path
    for path in OFFICER_ONLY:
        assert (await client.get(path)).status_code == 403, path
    token = csrf_of((await client.get("/admin/knowledge/rules")).text)
    for path in ("/admin/broadcasts", "/admin/broadcasts/preview", "/admin/inbox/1/answer"):
        response = await client.post(path, data={"csrf": token, "text": "Mời họp", "when": "now",
                                                 "everyone": "1", "answer": "x"})
        assert response.status_code == 403, path
    async with database.sessions() as session:
        assert (await session.exec(select(OutboxMessage))).all() == []
    page = await client.get("/admin/knowledge")
    assert "/admin/broadcasts" not in page.text and "/admin/inbox" not in page.text
    response = await client.post(
        "/admin/knowledge/rules", data={"csrf": token, "current": "148/2023", "why": "thử"}
    )
    assert response.status_code == 303


async def test_a_producer_reaches_no_knowledge_route(start: Start, database: Database) -> None:
    async with database.sessions() as session, session.begin():
        producer = User(channel="web", external_id="nong-dan", display_name="Anh Ba")
        session.add(producer)
        await session.flush()
        await set_password_hash(session, producer, hash_password(PASSWORD))
        token, _ = await open_session(session, producer, SessionPolicy(), utcnow())
    dashboard = await start()
    client = dashboard.client()
    assert (await dashboard.login(client, name="nong-dan")).status_code == 401
    client.cookies.set(COOKIE, token)
    for path in KNOWLEDGE_GETS:
        response = await client.get(path)
        assert response.status_code == 303 and "/admin/login" in response.headers["location"]
    for path in KNOWLEDGE_POSTS:
        response = await client.post(path, data={"csrf": "x", "action": "publish"})
        assert response.status_code == 303, path


async def test_the_current_regime_is_named_in_every_answer(
    dashboard: Dashboard, database: Database
) -> None:
    runtime = dashboard.runtime
    chat = Chat(runtime.engine, user="asker")
    await chat.say(runtime.services.faq.get("cycle-timing").question["vi"])
    assert "QĐ 148/QĐ-TTg, quy trình sửa bởi QĐ 1489/QĐ-TTg" in chat.replies[0].text
    client = await dashboard.logged_in()
    page = await client.get("/admin/knowledge/rules")
    assert 'data-testid="regime-1489/2025"' in page.text
    response = await client.post(
        "/admin/knowledge/rules",
        data={"csrf": csrf_of(page.text), "current": "26/2026-reported", "why": "QĐ mới"},
    )
    assert response.status_code == 303
    async with asyncio.timeout(15):  # the 5 s promise is tested in test_knowledge_live
        while True:
            if runtime.services.knowledge.rules.current == "26/2026-reported":
                break
            await asyncio.sleep(0.1)
    await chat.say(runtime.services.faq.get("cycle-timing").question["vi"])
    assert "QĐ 26/2026/QĐ-TTg (chưa xác nhận)" in chat.replies[0].text
    refused = await client.post(
        "/admin/knowledge/rules",
        data={"csrf": csrf_of(page.text), "current": "1048/2019", "why": ""},
    )
    assert refused.status_code == 422, "a superseded regime cannot be current"


async def test_officer_fixture_is_still_an_officer(start: Start, database: Database) -> None:
    await add_officer(database)
    dashboard = await start()
    client = await dashboard.logged_in()
    assert (await client.get("/admin")).status_code == 200


async def test_a_seed_conflict_is_shown_on_the_dashboard(
    dashboard: Dashboard, database: Database
) -> None:
    from bot.workers.knowledge_watch import shipped_docs
    from conversations.curation import store
    from conversations.curation.documents import Doc, dump
    from conversations.curation.tables import LIVE

    library = dashboard.runtime.services.knowledge
    assert library is not None
    docs = list(shipped_docs()[0])

    def changed(doc: Doc, source: str) -> Doc:
        data = doc.data
        data["source"] = source
        return Doc(doc.kind, doc.key, doc.file, doc.position, dump(data))

    mine = next(d for d in docs if d.key == "cycle-timing")
    async with database.sessions() as session, session.begin():
        assert await store.change(session, library, changed(mine, "Nguồn của cán bộ"),
                                  status=LIVE, action="publish", author=store.Author("lan"),
                                  why="", now=utcnow()) == []
        newer = [changed(d, "Nguồn trong tệp mới") if d.key == "cycle-timing" else d for d in docs]
        report = await store.seed(session, newer, utcnow())
    assert report.conflicts == ["faq cycle-timing"]
    client = await dashboard.logged_in()
    page = (await client.get("/admin/knowledge")).text
    assert 'data-testid="conflicts"' in page and "Nguồn trong tệp mới" in page
