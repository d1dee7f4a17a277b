"""Loose replies as producers type them: yes/no teen-code, abbreviations, words of a label,
letters, close spellings, and a number that is the value of the options (issue 16, 2 and 3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import select

from conversations.choices import loose, strict, yes_no
from conversations.engine import Engine
from conversations.registration.tables import Product
from conversations.reminders.planning import plan
from tests.support import Chat, Database

Factory = Callable[[], Engine]

CONSENT = [["✅ Đồng ý", "yes"], ["❌ Không, cảm ơn", "no"]]
ENTITY = [
    ["Doanh nghiệp (công ty)", "enterprise"],
    ["Hợp tác xã (HTX)", "cooperative"],
    ["Tổ hợp tác", "cooperative_group"],
    ["Hộ kinh doanh có đăng ký", "household"],
    ["Chưa đăng ký kinh doanh", "unregistered"],
]
STARS = [["3 ⭐", "stars:3"], ["4 ⭐", "stars:4"], ["5 ⭐", "stars:5"]]


@pytest.mark.parametrize(
    "typed", ["ok", "oke", "ok dong y", "dc", "đc", "ừ", "uh", "đúng", "có", "Đồng ý ạ", "dạ vâng"]
)
def test_yes_words_pick_the_yes_option(typed: str) -> None:
    assert loose(typed, CONSENT).value == "yes"


@pytest.mark.parametrize("typed", ["ko", "k", "không", "hong", "hông", "khong dong y", "no"])
def test_no_words_pick_the_no_option(typed: str) -> None:
    assert loose(typed, CONSENT).value == "no"


def test_stop_is_not_right() -> None:
    assert yes_no("dừng") is None  # folds like "đúng"
    assert yes_no("giấy chứng nhận có thời hạn bao lâu") is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("htx", "cooperative"),
        ("HTX", "cooperative"),
        ("dn", "enterprise"),
        ("cong ty", "enterprise"),
        ("to hop tac", "cooperative_group"),
        ("ho kinh doanh", "household"),
        ("hop tac xa", "cooperative"),
        ("hợp tác xa", "cooperative"),
        ("chua dang ky", "unregistered"),
    ],
)
def test_abbreviations_and_words_of_a_label(typed: str, value: str) -> None:
    assert (strict(typed, ENTITY) or loose(typed, ENTITY).value) == value


def test_letters_name_numbered_options() -> None:
    assert strict("a", ENTITY) == "enterprise"
    assert strict("b.", ENTITY) == "cooperative"
    assert strict("d", ENTITY) == "household"
    assert strict("d", CONSENT) is None


def test_close_options_are_ambiguous_not_guessed() -> None:
    kinds = [
        ["Đánh giá lần đầu", "first"],
        ["Đánh giá nâng hạng", "upgrade"],
        ["Đánh giá lại", "re"],
    ]
    assert loose("danh gia", kinds).ambiguous == (0, 1, 2)
    assert loose("lan dau", kinds).value == "first"
    assert loose("nang hang", kinds).value == "upgrade"
    assert loose("danh gia lan dauu", kinds).value == "first"  # a typo


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3", "stars:3"),
        ("3 sao", "stars:3"),
        ("4*", "stars:4"),
        ("5 ⭐", "stars:5"),
        ("1", None),
        ("2", None),
    ],
)
def test_a_number_that_is_a_value_means_the_value(typed: str, value: str | None) -> None:
    assert strict(typed, STARS) == value


def test_a_sentence_is_not_an_option() -> None:
    assert loose("giay chung nhan ocop co thoi han bao lau vay", ENTITY).value is None


LOOSE_REGISTRATION = [
    ("menu", "Đăng ký chủ thể"),
    ("dang ky", "Anh/chị đồng ý chứ?"),
    ("ok dong y", "Họ tên đầy đủ"),
    ("nguyễn văn an", "Tên cơ sở"),
    ("HTX Tôm khô Rạch Gốc", "loại hình nào"),
    ("htx", "Số điện thoại"),
    ("0912345678", "tỉnh nào"),
    ("ca mau", "Xã/phường nào"),
    ("Tân Thành", "Tên sản phẩm"),
    ("tôm khô Rạch Gốc", "nhóm OCOP nào"),
    ("dung goi y", "giai đoạn nào"),
    ("da duoc cong nhan", "mấy sao"),
    ("3", "Số quyết định"),
    ("1234/QĐ-UBND", "ký ngày nào"),
    ("13/5/2024", "có giá trị đến ngày nào"),
    ("ko ro", "kiểm tra lại thông tin"),
]


async def test_a_registration_typed_loosely(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    for line, expected in LOOSE_REGISTRATION:
        await chat.say(line)
        assert expected in chat.text + str(chat.choices), (line, chat.text)
    assert "Hợp tác xã" in chat.text
    assert "3 sao" in chat.text
    await chat.say("luu")
    async with database.sessions() as session:
        product = (await session.exec(select(Product))).one()
        assert product.stars == 3  # "3" at 3⭐/4⭐/5⭐ is three stars, not the third option
        assert product.expiry_date == date(2027, 5, 13)
        # The certificate reminder follows the stored decision: 180 days before it ends.
        planned = await plan(session, chat.engine.services.knowledge, date(2026, 11, 14))
    assert [p.product.name for p in planned if p.kind == "certificate_expiry"] == [
        "tôm khô Rạch Gốc"
    ]


async def test_three_stars_typed_as_3_sao(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    for line, _ in LOOSE_REGISTRATION[:12]:
        await chat.say(line)
    await chat.say("3 sao")
    assert "Số quyết định" in chat.text
    for _ in range(3):  # decision number, date, validity date: all optional
        if "kiểm tra lại thông tin" in chat.text:
            break
        await chat.say("bỏ qua")
    assert "kiểm tra lại thông tin" in chat.text
    await chat.say("Lưu")
    async with database.sessions() as session:
        assert (await session.exec(select(Product))).one().stars == 3


async def test_two_close_options_ask_which_one(assistant: Factory) -> None:
    chat = Chat(assistant())
    for line, _ in LOOSE_REGISTRATION[:5]:
        await chat.say(line)
    await chat.say("hop tac")
    # "hợp tác" starts only "Hợp tác xã"; "tổ hợp" is inside one label only.
    assert "Số điện thoại" in chat.text
    chat2 = Chat(assistant(), user="u2")
    for line, _ in LOOSE_REGISTRATION[:5]:
        await chat2.say(line)
    await chat2.say("dang ky")  # inside two labels: which one?
    assert "mục nào" in chat2.text
    assert [v for _, v in chat2.choices] == ["household", "unregistered"]
    await chat2.say("1")
    assert "Số điện thoại" in chat2.text
