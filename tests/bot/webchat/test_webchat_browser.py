"""The web chat in headless Chromium at 360 px: what a producer on a cheap phone sees and does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Route, expect

from conversations.i18n import Catalogs
from conversations.menu import MENU_ITEMS
from conversations.messages import Choice, Reply
from tests.bot.webchat import files
from tests.bot.webchat.browser import ChatPage
from tests.support import screenshot_folder

pytestmark = pytest.mark.browser

BAD_TYPE = "This file type is not accepted. Please send a photo (JPEG, PNG, WebP) or a PDF file."


async def test_greeting_and_menu_buttons_in_vietnamese(
    chat_page: ChatPage, catalogs: Catalogs, tmp_path: Path
) -> None:
    vi = catalogs.texts("vi")
    await chat_page.open()
    page = chat_page.page
    await expect(chat_page.outgoing.first).to_contain_text(
        vi("Hello! I am the OCOP assistant of Cà Mau.")
    )
    await expect(chat_page.choices).to_have_count(len(MENU_ITEMS))
    assert await chat_page.labels() == [vi(label) for _, label in MENU_ITEMS]
    assert await page.get_attribute("html", "lang") == "vi"
    assert await chat_page.input.get_attribute("placeholder") == vi("Type a message…")
    assert (await page.get_by_test_id("send").inner_text()).strip() == vi("Send")
    await expect(chat_page.incoming).to_have_count(0)  # the "menu" that fetched it is not shown
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing sticks out sideways on a small phone
    await page.screenshot(path=str(screenshot_folder(tmp_path) / "webchat-360.png"))


async def test_tap_a_menu_button_then_type(chat_page: ChatPage, catalogs: Catalogs) -> None:
    vi = catalogs.texts("vi")
    await chat_page.open()
    ask = vi(dict(MENU_ITEMS)["menu:ask"])
    await chat_page.tap(ask)
    await expect(chat_page.incoming.first).to_have_text(ask)
    await expect(chat_page.outgoing).to_have_count(2)
    await chat_page.type("3 sao cần bao nhiêu điểm")
    await expect(chat_page.incoming.nth(1)).to_have_text("3 sao cần bao nhiêu điểm")
    await expect(chat_page.outgoing).to_have_count(3)
    await expect(chat_page.pending).to_have_count(0)
    assert [i.text or i.action for i in chat_page.served.received[1:]] == [
        "menu:ask",
        "3 sao cần bao nhiêu điểm",
    ]


async def test_reload_mid_step_continues_the_transcript_and_the_step(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    en = catalogs.texts("en")
    await chat_page.open()
    await chat_page.page.get_by_test_id("language").click()
    await expect(chat_page.choices).to_have_count(2)
    before = await chat_page.outgoing.all_inner_texts()
    await chat_page.page.reload()
    await expect(chat_page.outgoing).to_have_count(len(before))
    assert await chat_page.outgoing.all_inner_texts() == before
    assert await chat_page.labels() == ["Tiếng Việt", "English"]
    await expect(chat_page.incoming).to_have_count(1)
    await chat_page.type("2")  # the step is still "choose a language": 2 = English
    await expect(chat_page.page.locator("html")).to_have_attribute("lang", "en")
    done = en("Done: I will speak English from now on.")
    await expect(chat_page.page.get_by_text(done)).to_be_visible()


async def test_switch_to_english_with_the_header_button(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    en = catalogs.texts("en")
    await chat_page.open()
    await chat_page.page.get_by_test_id("language").click()
    await chat_page.tap("English")
    await expect(chat_page.page.locator("html")).to_have_attribute("lang", "en")
    await expect(chat_page.choices).to_have_count(len(MENU_ITEMS))
    assert await chat_page.labels() == [en(label) for _, label in MENU_ITEMS]
    assert await chat_page.input.get_attribute("placeholder") == en("Type a message…")
    assert chat_page.served.received[-1].action == "en"


async def test_attach_a_png_reaches_the_engine(chat_page: ChatPage, tmp_path: Path) -> None:
    image = files.png(8, 8)
    await chat_page.open()
    await chat_page.page.get_by_test_id("file").set_input_files(
        {"name": "giấy-phép.png", "mimeType": "image/png", "buffer": image}
    )
    await expect(chat_page.incoming.first).to_contain_text("📎 giấy-phép.png")
    await expect(chat_page.outgoing).to_have_count(2)
    attachment = chat_page.served.received[-1].attachment
    assert attachment is not None
    assert attachment.kind == "photo"
    assert (attachment.mime_type, attachment.size) == ("image/png", len(image))
    assert (tmp_path / "var" / "uploads" / attachment.file_ref).read_bytes() == image
    href = await chat_page.incoming.first.locator("a").get_attribute("href")
    assert href == f"/chat/api/files/{attachment.file_ref}"
    own = await chat_page.page.context.request.get(chat_page.served.url + href)
    assert own.status == 200
    assert await own.body() == image


async def test_wrong_file_types_are_refused_with_a_clear_message(
    chat_page: ChatPage, catalogs: Catalogs, tmp_path: Path
) -> None:
    await chat_page.open()
    locale = await chat_page.page.get_attribute("html", "lang")
    message = catalogs.texts(locale or "vi")(BAD_TYPE)
    file_input = chat_page.page.get_by_test_id("file")
    await file_input.set_input_files(
        {"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": files.EXE}
    )
    await expect(chat_page.notice).to_have_text(message)
    await chat_page.page.evaluate("document.getElementById('notice').hidden = true")
    await file_input.set_input_files(
        {"name": "anh-chup.png", "mimeType": "image/png", "buffer": files.TEXT}
    )
    await expect(chat_page.notice).to_have_text(message)  # refused by the server this time
    await expect(chat_page.pending).to_have_count(0)
    assert all(i.attachment is None for i in chat_page.served.received)
    uploads = tmp_path / "var" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


async def test_html_is_shown_as_text_from_either_side(chat_page: ChatPage) -> None:
    typed = "<img src=x onerror=alert(1)>"
    await chat_page.open()
    await chat_page.type(typed)
    await expect(chat_page.incoming.first).to_have_text(typed)
    await expect(chat_page.outgoing).to_have_count(2)
    sent = "<b>đậm</b><script>alert(2)</script>"
    await chat_page.served.send(await chat_page.visitor(), [Reply(sent)])
    await expect(chat_page.outgoing.last).to_have_text(sent)
    assert await chat_page.page.locator("#log img, #log b, #log script").count() == 0
    assert chat_page.dialogs == []


async def test_proactive_message_appears_without_reload(
    chat_page: ChatPage, catalogs: Catalogs
) -> None:
    await chat_page.open()
    await chat_page.page.evaluate("window.notReloaded = true")
    visitor = await chat_page.visitor()
    await asyncio.sleep(0.5)  # the page is now waiting in its long-poll
    announcement = "📢 Sở NN&PTNT Cà Mau: hạn nộp hồ sơ OCOP năm nay là 30/6."
    await chat_page.served.send(
        visitor, [Reply(announcement, choices=(Choice("Xem hướng dẫn", "menu:ask"),))]
    )
    await expect(chat_page.outgoing.last).to_have_text(announcement, timeout=5000)
    # The announcement's button is added; the menu's buttons it arrived under stay live.
    menu = [catalogs.texts("vi")(label) for _, label in MENU_ITEMS]
    assert await chat_page.labels() == [*menu, "Xem hướng dẫn"]
    assert await chat_page.page.evaluate("window.notReloaded") is True


async def test_nothing_typed_is_lost_when_the_connection_drops(chat_page: ChatPage) -> None:
    await chat_page.open()
    page = chat_page.page

    async def drop(route: Route) -> None:
        await route.abort("internetdisconnected")

    await page.route("**/chat/api/messages", drop)
    await chat_page.type("Tôi muốn đăng ký sản phẩm mắm tôm")
    await expect(chat_page.pending).to_have_count(1)
    await expect(chat_page.notice).to_be_visible()
    await chat_page.input.fill("bản nháp chưa gửi")
    await page.unroute("**/chat/api/messages", drop)
    await page.reload()  # the queued message and the draft survive a reload
    await expect(chat_page.incoming.last).to_have_text("Tôi muốn đăng ký sản phẩm mắm tôm")
    await expect(chat_page.pending).to_have_count(0)
    await expect(chat_page.input).to_have_value("bản nháp chưa gửi")
    texts = [i.text for i in chat_page.served.received]
    assert texts.count("Tôi muốn đăng ký sản phẩm mắm tôm") == 1
