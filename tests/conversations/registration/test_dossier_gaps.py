""""Còn thiếu gì?": legal papers needed before evaluation first, grouped, five at a time with
"xem thêm" (issue 17 §2 and §5)."""

from __future__ import annotations

from collections.abc import Callable

from conversations.engine import Engine
from tests.conversations.registration.test_dossier import _registered
from tests.support import Chat

Factory = Callable[[], Engine]


async def test_missing_items_grouped_five_at_a_time(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _registered(chat)
    await chat.say("Đánh giá lần đầu")
    assert "Giấy tờ pháp lý phải có trước khi đánh giá: đã có 0/5" in chat.text
    await chat.say("Còn thiếu gì?")
    page = chat.replies[0].text
    assert page.startswith("Còn thiếu 21 mục (đang xem 1–5)")
    lines = page.splitlines()
    assert lines[1] == "🔴 Phải có trước khi đánh giá (giấy tờ pháp lý):"
    assert sum(1 for line in lines if line.startswith("⬜")) == 5
    assert "Giấy đăng ký kinh doanh" in lines[2]
    assert "Phiếu đăng ký" not in page  # not a legal paper: on a later page
    assert chat.choices[0][0] == "➡️ Xem thêm (16 mục nữa)"
    await chat.say("giay chung nhan ocop co thoi han bao lau vay")  # a question between pages
    assert chat.replies[-1].text.startswith("Quay lại bước:")
    assert "đang xem" not in chat.text  # the page is not shown again...
    assert chat.choices[0][0] == "➡️ Xem thêm (16 mục nữa)"  # ...but its "see more" stays
    await chat.say("xem them")
    page = chat.replies[0].text
    assert "đang xem 6–10" in page and "📄 Bắt buộc trong hồ sơ:" in page
    assert "Phiếu đăng ký" in page
    for _ in range(3):
        await chat.say("xem thêm")
    assert "đang xem 21–21" in chat.replies[0].text
    assert "Xem thêm" not in str(chat.choices)  # the last page


async def test_typed_con_thieu_gi_opens_with_the_gaps_and_items_say_before_evaluation(
    assistant: Factory,
) -> None:
    chat = Chat(assistant())
    await _registered(chat)
    await chat.say("Đánh giá lần đầu")
    await chat.say("menu")
    await chat.say("còn thiếu gì?")
    assert "Còn thiếu 21 mục" in chat.text and "🔴" in chat.text
    assert "Hồ sơ “tôm khô Rạch Gốc”" in chat.text  # then the overview with its buttons
    await chat.say("Làm từng mục")
    for _ in range(2):
        await chat.say("Đang làm")
    assert "Giấy đăng ký kinh doanh" in chat.text
    assert "· Bắt buộc có trước khi đánh giá" in chat.text
