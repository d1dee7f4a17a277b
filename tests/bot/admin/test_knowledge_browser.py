"""Knowledge pages in headless Chromium at 1280 and 360 px: an officer edits an answer and the
web chat gives the new text; restoring the old revision brings the old text back; confirming a
calendar date makes the 14-day reminder of an incomplete dossier; nothing overflows a phone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from bot.workers.scheduler import ReminderScheduler
from conversations.clock import utcnow
from conversations.outbox import OutboxMessage
from tests.bot.admin.conftest import OFFICER, PASSWORD, Dashboard
from tests.bot.workers.test_reminders import _import
from tests.support import Database

pytestmark = pytest.mark.browser
NEW_ANSWER = "Năm 2026 Cà Mau nhận hồ sơ OCOP tại UBND xã/phường đến hết ngày 15/05/2026."


@pytest.fixture(params=[1280, 360], ids=["1280px", "360px"])
async def context(
    browser: Browser, request: pytest.FixtureRequest
) -> AsyncIterator[BrowserContext]:
    """A desktop or phone browser profile."""
    width = request.param
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, locale="vi-VN"
    )
    try:
        yield context
    finally:
        await context.close()


async def log_in(page: Page, dashboard: Dashboard) -> None:
    """Fill the login form."""
    await page.goto(dashboard.url + "/admin/login")
    await page.fill("input[name=name]", OFFICER)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form[data-testid=login] button")
    await expect(page.locator("h1")).to_be_visible()


async def ask_in_chat(page: Page, dashboard: Dashboard, question: str, expected: str) -> None:
    """Ask in the web chat until the answer holds `expected` (live after the next poll; the
    generous bound only catches a hang on a loaded machine)."""
    await page.goto(dashboard.url + "/chat")
    outgoing = page.get_by_test_id("msg-out")
    await expect(outgoing.first).to_be_visible()
    started = time.monotonic()
    while True:
        before = await outgoing.count()
        await page.get_by_test_id("input").fill(question)
        await page.get_by_test_id("input").press("Enter")
        await page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=msg-out]').length > n", arg=before
        )
        last = await outgoing.last.inner_text()
        if expected in last:
            return
        assert time.monotonic() - started < 30.0, f"not answered with {expected!r}: {last}"
        await page.wait_for_timeout(1000)  # asking again at once would slow the rebuild


async def fits(page: Page, width: int) -> None:
    scroll = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, "nothing overflows the screen"


async def test_edit_ask_in_the_web_chat_then_restore(
    dashboard: Dashboard, context: BrowserContext, tmp_path: Path
) -> None:
    entry = dashboard.runtime.services.faq.get("cycle-timing")
    question, old_answer = entry.question["vi"], entry.answer["vi"]
    page = await context.new_page()
    viewport = page.viewport_size or {"width": 1280}
    await log_in(page, dashboard)
    await page.get_by_test_id("nav-knowledge").click()
    await page.get_by_test_id("q").fill("mỗi nam nop ho so")
    await page.get_by_test_id("knowledge-search").locator("button").click()
    row = page.get_by_test_id("entry-cycle-timing")
    await expect(row).to_be_visible()
    await fits(page, viewport["width"])
    await row.locator("a").first.click()
    await expect(page.get_by_test_id("answer_vi")).to_have_value(old_answer)
    await page.get_by_test_id("answer_vi").fill(NEW_ANSWER)
    await page.get_by_test_id("why").fill("Tỉnh đã công bố kế hoạch 2026")
    await page.get_by_test_id("preview").click()
    preview = page.get_by_test_id("phone-preview")
    await expect(preview).to_contain_text(NEW_ANSWER)
    await expect(preview).to_contain_text("📖 Nguồn:")
    await page.get_by_test_id("try-question").fill("bao gio nop hs ocop vay ad")
    await page.get_by_test_id("try").click()
    await expect(page.get_by_test_id("try-result")).to_contain_text(NEW_ANSWER)
    await page.screenshot(path=str(tmp_path / "knowledge-entry.png"), full_page=True)
    await fits(page, viewport["width"])
    await page.get_by_test_id("publish").click()
    await expect(page.get_by_test_id("notice")).to_be_visible()

    chat = await context.new_page()
    await ask_in_chat(chat, dashboard, question, NEW_ANSWER)

    await page.get_by_test_id("revision-1").locator("summary").click()
    await page.get_by_test_id("restore-1").click()
    await expect(page.get_by_test_id("notice")).to_be_visible()
    await expect(page.get_by_test_id("answer_vi")).to_have_value(old_answer)
    await ask_in_chat(chat, dashboard, question, old_answer[:40])

    await page.get_by_test_id("knowledge-history").click()
    history = page.get_by_test_id("history")
    await expect(history).to_contain_text("Tỉnh đã công bố kế hoạch 2026")
    await expect(history).to_contain_text("restore revision 1")
    await fits(page, viewport["width"])


async def test_a_broken_edit_is_refused_with_its_field(
    dashboard: Dashboard, context: BrowserContext
) -> None:
    page = await context.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/knowledge/faq/cycle-timing")
    await page.get_by_test_id("answer_en").fill("")
    await page.get_by_test_id("publish").click()
    await expect(page.get_by_test_id("problems")).to_contain_text("answer.en")
    await asyncio.sleep(0.5)
    entry = dashboard.runtime.services.faq.get("cycle-timing")
    assert entry.answer["en"], "the broken entry never reached users"


async def test_confirmed_date_gives_the_14_day_reminder(
    dashboard: Dashboard, database: Database, context: BrowserContext
) -> None:
    runtime = dashboard.runtime
    library = runtime.services.knowledge
    assert library is not None
    await _import(
        database, library, ["HTX Thiếu", "Bé", "0987654321", "Xã U Minh", "Khô cá", "1", "", ""]
    )
    today = utcnow().astimezone(runtime.services.timezone).date()
    deadline = today + timedelta(days=14)
    page = await context.new_page()
    await log_in(page, dashboard)
    await page.goto(dashboard.url + "/admin/knowledge/calendar")
    card = page.get_by_test_id("milestone-dossier-deadline-2026")
    await card.get_by_test_id("date").fill(deadline.strftime("%d/%m/%Y"))
    await card.get_by_test_id("source").fill("Kế hoạch số 12/KH-UBND tỉnh Cà Mau năm 2026")
    await card.get_by_test_id("confirm").click()
    await expect(page.get_by_test_id("notice")).to_be_visible()
    card = page.get_by_test_id("milestone-dossier-deadline-2026")
    await expect(card).to_contain_text("Kế hoạch số 12/KH-UBND")
    await fits(page, (page.viewport_size or {"width": 1280})["width"])
    await _wait_confirmed(dashboard, deadline)
    scheduler = ReminderScheduler(runtime.sessions, runtime.services)
    assert await scheduler.run_once() >= 1
    async with runtime.sessions() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    keys = [r.dedupe_key for r in rows if r.kind == "dossier_deadline"]
    assert keys and all(deadline.isoformat() in k and k.endswith(":14") for k in keys)
    assert any("Khô cá" in r.text for r in rows)


async def _wait_confirmed(dashboard: Dashboard, day: date) -> None:
    async with asyncio.timeout(5):
        while True:
            library = dashboard.runtime.services.knowledge
            cal = library.calendar("ca-mau", 2026) if library else None
            m = cal.milestone("dossier-deadline-2026") if cal else None
            if m is not None and m.confirmed and m.date == day:
                return
            await asyncio.sleep(0.1)
