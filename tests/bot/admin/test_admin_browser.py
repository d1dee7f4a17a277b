"""The dashboard in headless Chromium: login, inbox to Telegram, photo, broadcast, exports."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from conversations.faq.tables import Escalation
from conversations.outbox import OutboxMessage
from conversations.registration.exchange import export_rows
from tests.bot.admin.conftest import OFFICER, PASSWORD, Dashboard, Start, add_officer
from tests.bot.admin.seed import COMMUNE, PHOTO_REF, QUESTION, TELEGRAM_ID, seed
from tests.bot.webchat.files import png
from tests.support import Database, screenshot_folder

pytestmark = pytest.mark.browser


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A desktop-sized browser profile (the screenshots are taken at this width)."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A 360 px phone profile."""
    context = await browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=2
    )
    try:
        yield context
    finally:
        await context.close()


async def read(path: Path) -> bytes:
    """A downloaded file's bytes."""
    return await asyncio.to_thread(path.read_bytes)


async def log_in(page: Page, dashboard: Dashboard, password: str = PASSWORD) -> None:
    """Fill the login form."""
    await page.goto(dashboard.url + "/admin")
    await page.fill("input[name=name]", OFFICER)
    await page.fill("input[name=password]", password)
    await page.click("form[data-testid=login] button")


async def test_login_wrong_password_then_right(
    dashboard: Dashboard, phone: BrowserContext
) -> None:
    page = await phone.new_page()
    await log_in(page, dashboard, password="sai-mat-khau-roi")
    await expect(page.get_by_test_id("error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form[data-testid=login] button")
    await expect(page.locator("h1")).to_have_text("Tổng quan")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "nothing overflows a 360 px screen"
    await page.get_by_test_id("logout").click()
    await expect(page.locator("h1")).to_have_text("Đăng nhập")
    await page.goto(dashboard.url + "/admin/inbox")
    await expect(page.locator("h1")).to_have_text("Đăng nhập")


async def test_login_is_locked_after_five_failures(
    dashboard: Dashboard, phone: BrowserContext
) -> None:
    page = await phone.new_page()
    for attempt in range(5):
        await log_in(page, dashboard, password=f"sai-mat-khau-{attempt}")
    await expect(page.get_by_test_id("error")).to_contain_text("Tạm khóa đăng nhập 15 phút")
    await log_in(page, dashboard)
    await expect(page.get_by_test_id("error")).to_contain_text("Tạm khóa đăng nhập 15 phút")


async def test_a_form_without_its_token_is_refused_and_changes_nothing(
    dashboard: Dashboard, database: Database, desktop: BrowserContext
) -> None:
    seeded = await seed(database)
    page = await desktop.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/inbox")
    card = page.get_by_test_id(f"question-{seeded.escalation_id}")
    await card.locator("input[name=csrf]").evaluate("field => field.remove()")
    await card.get_by_test_id("answer").fill("Câu trả lời giả mạo")
    async with page.expect_response(lambda r: r.url.endswith("/answer")) as posted:
        await card.get_by_test_id("send-answer").click()
    assert (await posted.value).status == 403
    await expect(page.get_by_test_id("error")).to_contain_text("Biểu mẫu đã hết hạn")
    async with database.sessions() as session:
        escalation = await session.get(Escalation, seeded.escalation_id)
        assert escalation is not None and escalation.status == "open"
        assert (await session.exec(select(OutboxMessage))).all() == []


async def test_answer_in_the_inbox_reaches_the_producer_on_telegram(
    start: Start, database: Database, desktop: BrowserContext, tmp_path: Path
) -> None:
    await add_officer(database)
    seeded = await seed(database)
    dashboard = await start(telegram=True)
    assert dashboard.api is not None
    page = await desktop.new_page()
    await log_in(page, dashboard)
    await expect(page.locator("h1")).to_have_text("Tổng quan")
    shots = screenshot_folder(tmp_path)
    await page.screenshot(path=str(shots / "admin-overview.png"), full_page=True)

    await page.get_by_test_id("nav-inbox").click()
    card = page.get_by_test_id(f"question-{seeded.escalation_id}")
    await expect(card).to_contain_text(QUESTION)
    await expect(card).to_contain_text("HTX Tôm Sạch Tân Tiến")
    await expect(card).to_contain_text(COMMUNE)
    await expect(card).to_contain_text("Tôm khô Tân Tiến")
    await page.screenshot(path=str(shots / "admin-inbox.png"), full_page=True)
    answer = "Dạ, cán bộ xã sẽ gọi lại để hướng dẫn anh/chị ạ."
    await card.get_by_test_id("answer").fill(answer)
    await card.get_by_test_id("send-answer").click()
    await expect(page.get_by_test_id("notice")).to_contain_text("đang được gửi")

    api = dashboard.api
    await api.wait_until(lambda: any(answer in text for text in api.texts(TELEGRAM_ID)))
    delivered = next(text for text in api.texts(TELEGRAM_ID) if answer in text)
    assert QUESTION in delivered and "Cán bộ OCOP đã trả lời" in delivered
    await page.reload()
    answered = page.get_by_test_id(f"answered-{seeded.escalation_id}")
    await expect(answered.get_by_test_id("delivery")).to_have_text("Đã gửi tới")


async def test_producer_page_shows_the_telegram_photo_to_officers_only(
    start: Start, database: Database, desktop: BrowserContext
) -> None:
    await add_officer(database)
    seeded = await seed(database)
    dashboard = await start(telegram=True)
    assert dashboard.api is not None
    dashboard.api.files[PHOTO_REF] = png(8, 8)
    page = await desktop.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/producers?q=tom+sach+tan+tien")
    await page.get_by_role("link", name="HTX Tôm Sạch Tân Tiến").click()
    link = page.get_by_test_id(f"file-{seeded.file_id}")
    await expect(link).to_contain_text("giay-dkkd.png")
    async with desktop.expect_page() as opened:
        await link.click()
    photo = await opened.value
    response = await photo.goto(dashboard.url + f"/admin/files/{seeded.file_id}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert await response.body() == png(8, 8)
    anonymous = await dashboard.client().get(f"/admin/files/{seeded.file_id}")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/admin/login")


async def test_broadcast_to_a_commune_counts_then_writes_the_outbox(
    dashboard: Dashboard, database: Database, phone: BrowserContext
) -> None:
    await seed(database)
    page = await phone.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/broadcasts")
    await page.get_by_test_id("text").fill("Mời các chủ thể dự tập huấn OCOP ngày 15/12.")
    await page.get_by_test_id("communes").select_option(COMMUNE)
    await page.get_by_test_id("preview").click()
    await expect(page.get_by_test_id("total")).to_have_text("2 người sẽ nhận")
    await expect(page.get_by_test_id("preview-vi")).to_contain_text("Mời các chủ thể dự tập huấn")
    await expect(page.get_by_test_id("preview-vi")).to_contain_text("🔕 Dừng thông báo")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("ADMIN_PHONE_SHOT"):
        await page.screenshot(path=os.environ["ADMIN_PHONE_SHOT"], full_page=True)
    async with database.sessions() as session:
        assert (await session.exec(select(OutboxMessage))).all() == []
    await page.get_by_test_id("confirm").click()
    await expect(page.get_by_test_id("notice")).to_be_visible()
    async with database.sessions() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert len(rows) == 2
    assert all("Mời các chủ thể dự tập huấn" in row.text for row in rows)
    await expect(page.get_by_test_id("history")).to_contain_text("Mời các chủ thể")


async def test_exports_download_as_csv_and_xlsx(
    dashboard: Dashboard, database: Database, desktop: BrowserContext
) -> None:
    await seed(database)
    page = await desktop.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/producers")
    async with database.sessions() as session:
        expected = await export_rows(session, "producers", dashboard.runtime.services.knowledge)
    async with page.expect_download() as csv_download:
        await page.get_by_test_id("export-producers-csv").click()
    data = (await read(await (await csv_download.value).path())).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data))) == [
        ["" if v is None else str(v) for v in row] for row in expected
    ]
    async with page.expect_download() as xlsx_download:
        await page.get_by_test_id("export-producers-xlsx").click()
    download = await xlsx_download.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(await read(await download.path()))).active
    got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == [["" if v is None else v for v in row] for row in expected]
