"""Sending through the real client to the fake server: texts, buttons, cards, files, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.errors import Blocked, RateLimited, Refused, TransientError, WindowClosed
from bot.channels.zalo.codes import ZaloApiRetired, ZaloError
from bot.channels.zalo.rendering import split_text, utf16_len
from conversations.messages import Attachment, Choice, Reply
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

CS = "/v3.0/oa/message/cs"
USER = "7002223334445"
STARS = tuple(Choice(f"{n} sao", f"stars:{n}") for n in range(1, 6))


@pytest.fixture
async def served(zalo: Harness, zalo_api: FakeZalo) -> Served:
    """One app with the Zalo channel started; USER has just written (their window is open)."""
    zalo_api.user_wrote(USER)
    return await zalo.start()


async def test_a_long_text_is_split_under_zalos_limit(served: Served, zalo_api: FakeZalo) -> None:
    paragraph = "Hồ sơ OCOP gồm phiếu đăng ký, báo cáo tự đánh giá và giấy tờ pháp lý. " * 20
    text = "\n\n".join([paragraph.strip()] * 4)
    ids = await served.channel.send(USER, [Reply(text)])
    sent = zalo_api.texts(USER)
    assert len(ids) == len(sent) > 1
    assert all(0 < utf16_len(piece) <= 2000 for piece in sent)
    assert "".join(sent).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


def test_split_text_counts_emoji_as_two_units_and_cuts_at_spaces() -> None:
    pieces = split_text("🌾 " * 1500)
    assert all(utf16_len(p) <= 2000 for p in pieces)
    assert all(not p.endswith(" ") for p in pieces[:-1])  # cut at spaces
    assert sum(p.count("🌾") for p in pieces) == 1500
    assert split_text("") == [""]


async def test_up_to_five_choices_are_query_buttons_with_typeable_payloads(
    served: Served, zalo_api: FakeZalo
) -> None:
    await served.channel.send(USER, [Reply("Sản phẩm được mấy sao?", choices=STARS)])
    [sent] = zalo_api.to(USER)
    assert sent.text == "Sản phẩm được mấy sao?"
    # The documented shape: text, and a template payload holding only the buttons.
    assert sent.template == "" and set(sent.message["attachment"]["payload"]) == {"buttons"}
    assert [(b["title"], b["type"], b["payload"]) for b in sent.buttons] == [
        (f"{n} sao", "oa.query.show", f"{n} sao") for n in range(1, 6)
    ]


async def test_more_than_five_choices_are_listed_numbered_and_five_are_buttons(
    served: Served, zalo_api: FakeZalo
) -> None:
    choices = tuple(Choice(f"Nhóm {n}", f"group:{n}") for n in range(1, 8))
    await served.channel.send(USER, [Reply("Nhóm nào?", choices=choices)])
    [sent] = zalo_api.to(USER)
    assert sent.text.splitlines()[0] == "Nhóm nào?"
    assert "7. Nhóm 7" in sent.text and "1. Nhóm 1" in sent.text
    assert [b["payload"] for b in sent.buttons] == [f"Nhóm {n}" for n in range(1, 6)]


async def test_labels_the_engine_would_misread_are_sent_as_numbers(
    served: Served, zalo_api: FakeZalo
) -> None:
    choices = (Choice("2", "two-first"), Choice("1", "one-second"), Choice("Khác", "other"))
    await served.channel.send(USER, [Reply("Chọn", choices=choices)])
    [sent] = zalo_api.to(USER)
    # "2" typed means the 2nd choice, so the first button ("2") must send "1" instead.
    assert [b["payload"] for b in sent.buttons] == ["1", "2", "Khác"]


async def test_buttons_refused_by_zalo_degrade_to_numbered_text(
    served: Served, zalo_api: FakeZalo
) -> None:
    zalo_api.fail(CS, -201)
    ids = await served.channel.send(USER, [Reply("Sản phẩm được mấy sao?", choices=STARS)])
    [sent] = zalo_api.to(USER)
    assert len(ids) == 1 and sent.buttons == []
    assert sent.text.startswith("Sản phẩm được mấy sao?") and "5. 5 sao" in sent.text


async def test_the_contact_request_is_the_info_card(served: Served, zalo_api: FakeZalo) -> None:
    reply = Reply("Số điện thoại?", request_contact="📱 Chia sẻ số điện thoại")
    await served.channel.send(USER, [reply])
    [card] = zalo_api.to(USER)
    assert card.template == "request_user_info"
    [element] = card.message["attachment"]["payload"]["elements"]
    assert element == {
        "title": "📱 Chia sẻ số điện thoại",
        "subtitle": "Số điện thoại?",
        "image_url": "https://ocop.example.vn/zalo/phone-card.png",  # Zalo requires it
    }


async def test_a_refused_card_falls_back_to_the_question(
    served: Served, zalo_api: FakeZalo
) -> None:
    zalo_api.fail(CS, -201)
    await served.channel.send(USER, [Reply("Số điện thoại?", request_contact="📱 Chia sẻ")])
    assert zalo_api.texts(USER) == ["Số điện thoại?"]


async def test_an_image_file_is_uploaded_then_sent(
    served: Served, zalo_api: FakeZalo, tmp_path: Path
) -> None:
    picture = tmp_path / "mau-nhan.png"
    picture.write_bytes(b"\x89PNG fake picture")
    photo = Attachment("photo", str(picture), "image/png")
    await served.channel.send(USER, [Reply("Mẫu nhãn sản phẩm", attachment=photo)])
    assert zalo_api.uploads == [("image", "mau-nhan.png", b"\x89PNG fake picture")]
    [sent] = zalo_api.to(USER)
    element = sent.message["attachment"]["payload"]["elements"][0]
    assert (sent.template, element["attachment_id"]) == ("media", "image-17")
    assert sent.message["text"] == "Mẫu nhãn sản phẩm"


async def test_an_image_url_is_sent_without_upload(served: Served, zalo_api: FakeZalo) -> None:
    photo = Attachment("photo", "https://ocop.example.vn/mau.jpg")
    await served.channel.send(USER, [Reply("", attachment=photo)])
    [sent] = zalo_api.to(USER)
    assert sent.message["attachment"]["payload"]["elements"][0]["url"] == photo.file_ref
    assert zalo_api.uploads == []


async def test_a_pdf_is_uploaded_and_sent_as_a_file(
    served: Served, zalo_api: FakeZalo, tmp_path: Path
) -> None:
    pdf = tmp_path / "huong-dan.pdf"
    pdf.write_bytes(b"%PDF-1.4 guide")
    document = Attachment("document", str(pdf), "application/pdf", file_name="huong-dan.pdf")
    await served.channel.send(USER, [Reply("Hướng dẫn", attachment=document)])
    first, second = zalo_api.to(USER)
    assert first.text == "Hướng dẫn"
    assert second.message["attachment"] == {"type": "file", "payload": {"token": "file-14"}}


async def test_the_display_name_is_read_from_the_profile(
    served: Served, zalo_api: FakeZalo
) -> None:
    zalo_api.profiles[USER] = "Chị Ba Tôm Khô"
    assert await served.channel.client.display_name(USER) == "Chị Ba Tôm Khô"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (-213, Blocked),
        (-230, WindowClosed),
        (-232, WindowClosed),
        (-32, RateLimited),
        (-240, ZaloApiRetired),
        (-211, Refused),
        (-234, Refused),
        (-201, ZaloError),
    ],
)
async def test_zalo_error_codes_become_channel_errors(
    served: Served, zalo_api: FakeZalo, code: int, error: type[Exception]
) -> None:
    zalo_api.fail(CS, code)
    with pytest.raises(error):
        await served.channel.send(USER, [Reply("xin chào")])


async def test_http_failures_are_transient(served: Served, zalo_api: FakeZalo) -> None:
    zalo_api.fail(CS, status=502)
    with pytest.raises(TransientError):
        await served.channel.send(USER, [Reply("xin chào")])


async def test_a_user_who_unfollowed_is_marked_unreachable(
    served: Served, zalo_api: FakeZalo
) -> None:
    assert await served.post(payloads.text(USER, "menu")) == 200
    await served.settle()
    zalo_api.fail(CS, -213)
    with pytest.raises(Blocked):
        await served.channel.send(USER, [Reply("Nhắc hẹn")])
    user = await served.user(USER)
    assert user is not None and user.reachable is False


async def test_a_quiz_question_with_long_answers_lists_them_in_full(
    served: Served, zalo_api: FakeZalo
) -> None:
    long = "Giấy chứng nhận đủ điều kiện an toàn thực phẩm do cơ quan có thẩm quyền cấp " * 2
    choices = (Choice(long, "quiz:1"), Choice("Không cần giấy tờ gì", "quiz:2"))
    await served.channel.send(USER, [Reply("Cần giấy tờ nào?", choices=choices)])
    [sent] = zalo_api.to(USER)
    assert f"1. {long}" in sent.text  # the button title is cut at 100 characters
    assert len(sent.buttons[0]["title"]) == 100 and sent.buttons[0]["payload"] == long.strip()
