"""The material upload form in headless Chromium at 1280 and 360 px: an officer picks a PowerPoint
file, the status page refreshes itself until the document is stored, and the web chat can then
quote it; a scan is refused in Vietnamese. Screenshots go to the test's folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, expect
from sqlmodel import select

from conversations.material.tables import MaterialDocument
from testbed.material_files import build_pptx
from tests.bot.admin.conftest import Dashboard
from tests.bot.admin.test_knowledge_browser import fits, log_in
from tests.support import Database, screenshot_folder

pytestmark = pytest.mark.browser
SLIDES = "# Tập huấn bán hàng OCOP\n\nBuổi học dành cho chủ thể ở huyện Năm Căn.\n\n" \
    "## Đóng gói hàng gửi bưu điện\n\nHộp giấy ba lớp giữ bánh phồng tôm không vỡ khi gửi xa. " \
    "Mỗi hộp dán nhãn ghi hạn dùng và số điện thoại của cơ sở.\n"


@pytest.fixture(params=[1280, 360], ids=["1280px", "360px"])
async def context(
    browser: Browser, request: pytest.FixtureRequest
) -> AsyncIterator[BrowserContext]:
    """A desktop or phone browser profile."""
    context = await browser.new_context(
        viewport={"width": request.param, "height": 900}, locale="vi-VN"
    )
    try:
        yield context
    finally:
        await context.close()


async def test_upload_slides_watch_the_status_and_see_the_document(
    dashboard: Dashboard, database: Database, context: BrowserContext, tmp_path: Path
) -> None:
    from knowledge.material.markup import read_markdown

    title, pages = read_markdown(SLIDES)
    slides = build_pptx(tmp_path / "ban-hang.pptx", title, pages)
    page = await context.new_page()
    width = (page.viewport_size or {"width": 1280})["width"]
    shots = screenshot_folder(tmp_path)
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/knowledge/material")
    await expect(page.get_by_test_id("upload")).to_be_visible()
    await fits(page, width)
    await page.get_by_test_id("upload-file").set_input_files(str(slides))
    await page.get_by_test_id("upload-rule").fill("QĐ 148/2023")
    await page.screenshot(path=str(shots / f"material-form-{width}.png"), full_page=True)
    await page.get_by_test_id("upload-send").click()
    await expect(page.get_by_test_id("job")).to_be_visible()
    # the page refreshes itself every 2 s until the file is stored
    await expect(page.get_by_test_id("result")).to_contain_text(
        "Đã thêm tài liệu mới «Tập huấn bán hàng OCOP»", timeout=30_000
    )
    await page.screenshot(path=str(shots / f"material-upload-{width}.png"), full_page=True)
    await fits(page, width)
    await page.get_by_test_id("open-document").click()
    await expect(page.locator("h1")).to_have_text("Tập huấn bán hàng OCOP")
    await expect(page.locator("main")).to_contain_text("Hộp giấy ba lớp")
    async with database.sessions() as session:
        document = (await session.exec(select(MaterialDocument).where(
            MaterialDocument.title == "Tập huấn bán hàng OCOP"))).one()
    assert document.rule_version == "QĐ 148/2023"

    chat = await context.new_page()
    await chat.goto(dashboard.url + "/chat")
    outgoing = chat.get_by_test_id("msg-out")
    await expect(outgoing.first).to_be_visible()
    before = await outgoing.count()
    await chat.get_by_test_id("input").fill("hop giay may lop de goi banh phong tom di xa")
    await chat.get_by_test_id("input").press("Enter")
    await chat.wait_for_function(
        "n => document.querySelectorAll('[data-testid=msg-out]').length > n", arg=before
    )
    answer = await outgoing.last.inner_text()
    assert "Hộp giấy ba lớp" in answer and "Tập huấn bán hàng OCOP" in answer


async def test_a_scan_is_refused_on_the_status_page(
    dashboard: Dashboard, context: BrowserContext, tmp_path: Path
) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=180)
    scan = tmp_path / "ban-chup.pdf"
    pdf.output(str(scan))
    page = await context.new_page()
    width = (page.viewport_size or {"width": 1280})["width"]
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/knowledge/material")
    await page.get_by_test_id("upload-file").set_input_files(str(scan))
    await page.get_by_test_id("upload-send").click()
    refusal = page.get_by_test_id("refusal")
    await expect(refusal).to_contain_text("không có lớp chữ", timeout=30_000)
    await expect(refusal).to_contain_text("Không có gì được lưu.")
    await page.screenshot(
        path=str(screenshot_folder(tmp_path) / f"material-refused-{width}.png"), full_page=True
    )
    await fits(page, width)
