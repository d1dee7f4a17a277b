"""The dashboard under abuse: huge forms, parallel logins, bad ids, downloads, double confirms."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import select

from bot.admin.files import download_name
from bot.admin.gate import Busy, Gate
from bot.admin.lockout import LoginLimits
from conversations.announcements.broadcasts import Broadcast
from conversations.registration.tables import DossierFile
from testbed.raw_http import chunked_post
from tests.bot.admin.conftest import (
    OFFICER,
    PASSWORD,
    Dashboard,
    Start,
    add_officer,
    confirm_token_of,
    csrf_of,
)
from tests.bot.admin.seed import seed
from tests.bot.webchat.files import png
from tests.support import Database

MIB = 1024 * 1024
FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_a_huge_login_form_is_refused_at_the_limit(dashboard: Dashboard) -> None:
    fields = b"".join(b"f%d=%s&" % (i, b"y" * 4000) for i in range(100))
    answer = await chunked_post(dashboard.url, "/admin/login", FORM, 16 * MIB, block=fields)
    assert answer.status == 413
    assert answer.sent < 4 * MIB


async def _form_token(client: httpx.AsyncClient) -> str:
    page = await client.get("/admin/login")
    assert page.status_code == 200
    return csrf_of(page.text)


async def _post_login(client: httpx.AsyncClient, csrf: str, name: str, password: str) -> int:
    data = {"csrf": csrf, "name": name, "password": password, "next": "/admin"}
    return (await client.post("/admin/login", data=data)).status_code


async def test_parallel_wrong_passwords_cannot_pass_the_lock(dashboard: Dashboard) -> None:
    client = dashboard.client()
    csrf = await _form_token(client)
    codes = await asyncio.gather(
        *(_post_login(client, csrf, OFFICER, f"wrong-{i}-password") for i in range(30))
    )
    assert set(codes) <= {401, 429}
    assert codes.count(401) <= 4
    assert await _post_login(client, csrf, OFFICER, PASSWORD) == 429


def _client_from(dashboard: Dashboard, address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    client = httpx.AsyncClient(base_url=dashboard.url, transport=transport, timeout=20)
    dashboard.clients.append(client)
    return client


async def test_a_stranger_locks_only_their_own_address_out(dashboard: Dashboard) -> None:
    stranger = _client_from(dashboard, "127.0.0.2")
    csrf = await _form_token(stranger)
    codes = [await _post_login(stranger, csrf, OFFICER, f"guess-{i}-xxxx") for i in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]
    officer = _client_from(dashboard, "127.0.0.1")
    assert await _post_login(officer, await _form_token(officer), OFFICER, PASSWORD) == 303


async def test_the_name_is_locked_after_many_addresses(start: Start, database: Database) -> None:
    await add_officer(database)
    dashboard = await start(limits=LoginLimits(per_name=2, addresses_per_name=3))
    for n in range(2, 5):
        client = _client_from(dashboard, f"127.0.0.{n}")
        csrf = await _form_token(client)
        assert [await _post_login(client, csrf, OFFICER, "wrong-password") for _ in range(2)] == [
            401,
            429,
        ]
    officer = _client_from(dashboard, "127.0.0.1")
    assert await _post_login(officer, await _form_token(officer), OFFICER, PASSWORD) == 429


async def test_password_checks_are_bounded_and_the_rest_refused(dashboard: Dashboard) -> None:
    gate = dashboard.admin.gate = Gate(running=1, waiting=2, timeout=10)
    client = dashboard.client()
    csrf = await _form_token(client)
    async with gate.slot():  # a slow password check holds the only slot while twelve arrive
        posts = [
            asyncio.create_task(_post_login(client, csrf, f"name{i}", "wrong-password"))
            for i in range(12)
        ]
        async with asyncio.timeout(30):  # two wait in line; the other ten are refused at once
            while sum(p.done() for p in posts) < 10:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert [p.result() for p in posts if p.done()] == [429] * 10
    codes = await asyncio.gather(*posts)  # the slot is free: the two in line are checked
    assert sorted(codes) == [401] * 2 + [429] * 10
    assert await _post_login(client, csrf, OFFICER, PASSWORD) == 303


async def test_the_gate_refuses_beyond_its_line() -> None:
    gate = Gate(running=1, waiting=1, timeout=0.2)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with gate.slot():
            entered.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await entered.wait()
    waiter = asyncio.create_task(_enter(gate))
    await asyncio.sleep(0.01)
    assert gate.full
    with pytest.raises(Busy):
        async with gate.slot():
            pass
    assert await waiter is False  # timed out in line
    release.set()
    await holder
    assert await _enter(gate) is True


async def _enter(gate: Gate) -> bool:
    try:
        async with gate.slot():
            return True
    except Busy:
        return False


async def test_huge_ids_and_nul_bytes_get_a_page_not_a_500(dashboard: Dashboard) -> None:
    client = await dashboard.logged_in()
    for path in ("/admin/producers/99999999999999999999", "/admin/files/99999999999999999999"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/admin/producers?q=a%00b&commune=%00")).status_code == 200
    stranger = dashboard.client()
    assert await _post_login(stranger, await _form_token(stranger), "lan\x00", "x" * 12) == 401


async def test_a_double_click_on_confirm_creates_one_broadcast(
    dashboard: Dashboard, database: Database
) -> None:
    client = await dashboard.logged_in()
    csrf = csrf_of((await client.get("/admin/broadcasts")).text)
    form = {"csrf": csrf, "text": "Họp chủ thể OCOP.", "everyone": "1", "when": "now"}
    preview = await client.post("/admin/broadcasts/preview", data=form)
    form["confirm_token"] = confirm_token_of(preview.text)
    first, second = await asyncio.gather(
        client.post("/admin/broadcasts", data=form), client.post("/admin/broadcasts", data=form)
    )
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["location"] == second.headers["location"]
    again = await client.post("/admin/broadcasts", data=form)
    assert again.headers["location"] == first.headers["location"]
    async with database.sessions() as session:
        assert len((await session.exec(select(Broadcast))).all()) == 1
    del form["confirm_token"]
    assert (await client.post("/admin/broadcasts", data=form)).status_code == 400


async def _web_file(database: Database, dashboard: Dashboard, data: bytes, name: str) -> int:
    seeded = await seed(database)

    async def body() -> AsyncIterator[bytes]:
        yield data

    upload = await dashboard.admin.uploads.save("visitor-abcdefghijklmnop", body(), "x.png")
    async with database.sessions() as session, session.begin():
        file = await session.get(DossierFile, seeded.file_id)
        assert file is not None
        row = DossierFile(
            dossier_item_id=file.dossier_item_id,
            channel="web",
            kind="document",
            file_ref=upload.id,
            file_name=name,
        )
        session.add(row)
        await session.flush()
        return row.id or 0


async def test_downloads_are_sandboxed_and_named_for_their_real_type(
    dashboard: Dashboard, database: Database
) -> None:
    file_id = await _web_file(database, dashboard, png(4, 4), "trang <script>.html")
    client = await dashboard.logged_in()
    response = await client.get(f"/admin/files/{file_id}")
    assert response.status_code == 200
    assert "sandbox" in response.headers["content-security-policy"].split("; ")
    disposition = response.headers["content-disposition"]
    assert 'filename="trang <script>.png"' in disposition
    assert ".html" not in disposition


def test_download_names_take_the_extension_of_the_content() -> None:
    assert download_name("hồ sơ.pdf", "application/pdf") == "hồ sơ.pdf"
    assert download_name("ảnh.svg", "image/png") == "ảnh.png"
    assert download_name("noext", "image/jpeg") == "noext.jpg"
    assert download_name("a.exe", "application/octet-stream") == "a.bin"
    assert download_name(".htaccess", "image/webp") == "file.webp"
