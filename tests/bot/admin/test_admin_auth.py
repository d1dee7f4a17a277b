"""Logging in and staying logged in: redirects, lockout, expiry, revoked officers, CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.admin.lockout import LoginLimits
from bot.admin.sessions import COOKIE
from conversations.curation import store
from conversations.curation.tables import KnowledgeRevision
from conversations.faq.tables import Escalation
from conversations.officers.roles import revoke
from conversations.officers.tables import AdminSession
from conversations.outbox import OutboxMessage
from tests.bot.admin.conftest import (
    OFFICER,
    PASSWORD,
    Dashboard,
    Start,
    add_officer,
    csrf_of,
    short_sessions,
)
from tests.support import Database

PAGES = [
    "/admin",
    "/admin/inbox",
    "/admin/producers",
    "/admin/producers/1",
    "/admin/broadcasts",
    "/admin/files/1",
    "/admin/exports/producers.csv",
    "/admin/knowledge",
    "/admin/knowledge/faq/cycle-timing",
    "/admin/knowledge/calendar",
    "/admin/knowledge/rules",
    "/admin/knowledge/history",
]
POSTS = [
    "/admin/logout",
    "/admin/inbox/1/answer",
    "/admin/inbox/1/draft",
    "/admin/broadcasts/preview",
    "/admin/broadcasts",
    "/admin/broadcasts/1/cancel",
    "/admin/knowledge/faq/cycle-timing",
    "/admin/knowledge/faq/cycle-timing/retire",
    "/admin/knowledge/revisions/1/restore",
    "/admin/knowledge/calendar/ca-mau-2026:dossier-deadline-2026",
    "/admin/knowledge/rules",
]


async def test_logged_out_pages_redirect_to_login(dashboard: Dashboard) -> None:
    client = dashboard.client()
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/admin/login?next=")
    for path in POSTS:
        response = await client.post(path, data={"csrf": "x"})
        assert response.status_code == 303, path


async def test_login_sets_a_safe_cookie_and_logout_ends_the_session(
    dashboard: Dashboard, database: Database
) -> None:
    client = dashboard.client()
    response = await dashboard.login(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    token = client.cookies.get(COOKIE)
    overview = await client.get("/admin")
    assert overview.status_code == 200
    assert "Tổng quan" in overview.text
    assert overview.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in overview.headers["content-security-policy"]

    out = await client.post("/admin/logout", data={"csrf": csrf_of(overview.text)})
    assert out.status_code == 303
    async with database.sessions() as session:
        assert (await session.exec(select(AdminSession))).all() == []
    replay = dashboard.client()
    replay.cookies.set(COOKIE, token or "", path="/admin")
    assert (await replay.get("/admin")).status_code == 303


async def test_wrong_password_and_unknown_name_are_refused_alike(dashboard: Dashboard) -> None:
    client = dashboard.client()
    wrong = await dashboard.login(client, password="not-the-password")
    unknown = await dashboard.login(client, name="nobody", password=PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu." in response.text
        assert COOKIE not in response.cookies


async def test_login_without_the_form_token_is_refused(dashboard: Dashboard) -> None:
    client = dashboard.client()
    await client.get("/admin/login")
    response = await client.post(
        "/admin/login", data={"csrf": "forged", "name": OFFICER, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert client.cookies.get(COOKIE) is None


async def test_five_failures_lock_the_name_even_with_the_right_password(
    dashboard: Dashboard,
) -> None:
    client = dashboard.client()
    statuses = [
        (await dashboard.login(client, password=f"wrong-{i}")).status_code for i in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]
    locked = await dashboard.login(client)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert "Tạm khóa đăng nhập 15 phút" in locked.text
    assert client.cookies.get(COOKIE) is None


async def test_an_address_is_locked_after_many_names(start: Start, database: Database) -> None:
    await add_officer(database)
    dashboard = await start(limits=LoginLimits(per_name=100, per_address=3))
    client = dashboard.client()
    codes = [
        (await dashboard.login(client, name=f"guess{i}", password="x" * 12)).status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 429]
    assert (await dashboard.login(client)).status_code == 429


async def test_a_revoked_officer_is_logged_out_at_the_next_request(
    dashboard: Dashboard, database: Database
) -> None:
    client = await dashboard.logged_in()
    assert (await client.get("/admin/inbox")).status_code == 200
    async with database.sessions() as session, session.begin():
        assert await revoke(session, "web", OFFICER)
    response = await client.get("/admin/inbox")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    async with database.sessions() as session:
        assert (await session.exec(select(AdminSession))).all() == []


@pytest.mark.parametrize("kind", ["idle", "lifetime"])
async def test_sessions_expire(start: Start, database: Database, kind: str) -> None:
    await add_officer(database)
    dashboard = await start(policy=short_sessions(**{kind: timedelta(minutes=10)}))
    client = await dashboard.logged_in()
    assert (await client.get("/admin")).status_code == 200
    dashboard.admin.clock = lambda: _later(dashboard, seconds=11 * 60)
    assert (await client.get("/admin")).status_code == 303


def _later(dashboard: Dashboard, seconds: int):  # type: ignore[no-untyped-def]
    from conversations.clock import utcnow

    return utcnow() + timedelta(seconds=seconds)


async def test_every_post_without_the_session_token_is_refused_and_changes_nothing(
    dashboard: Dashboard, database: Database
) -> None:
    async with database.sessions() as session, session.begin():
        session.add(Escalation(question="Hỏi thử?", lang="vi"))
    client = await dashboard.logged_in()
    good = csrf_of((await client.get("/admin")).text)
    form = {"answer": "Trả lời", "text": "Thông báo", "when": "now"}
    for path in POSTS:
        for token in (None, "forged", good[:-1]):
            data = dict(form) if token is None else {**form, "csrf": token}
            response = await client.post(path, data=data)
            assert response.status_code == 403, (path, token)
    async with database.sessions() as session:
        escalation = (await session.exec(select(Escalation))).one()
        assert escalation.status == "open"
        assert (await session.exec(select(OutboxMessage))).all() == []
    async with database.sessions() as session:
        assert await store.version(session) == 1, "no knowledge changed"
        assert (await session.exec(select(KnowledgeRevision))).all()[-1].action == "seed"
    assert (await client.get("/admin")).status_code == 200, "still logged in"


async def test_the_session_token_of_another_session_does_not_work(dashboard: Dashboard) -> None:
    first = await dashboard.logged_in()
    second = await dashboard.logged_in()
    other = csrf_of((await second.get("/admin")).text)
    response = await first.post("/admin/logout", data={"csrf": other})
    assert response.status_code == 403


async def test_next_only_leads_inside_the_dashboard(dashboard: Dashboard) -> None:
    client = dashboard.client()
    page = await client.get("/admin/login?next=//evil.example/")
    data = {"csrf": csrf_of(page.text), "name": OFFICER, "password": PASSWORD,
            "next": "https://evil.example/"}
    response = await client.post("/admin/login", data=data)
    assert response.headers["location"] == "/admin"


async def test_static_css_is_served(dashboard: Dashboard) -> None:
    response = await dashboard.client().get("/admin/static/admin.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
