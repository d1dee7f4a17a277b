"""Typed data is checked and fixable (issue 16 §7, §8) and the certificate's printed validity
date is asked for (issue 17 §2): names, communes, dates, validity, erasing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import select

from conversations.engine import Engine
from conversations.registration.tables import Producer, Product
from tests.conversations.registration.test_registration import RATED, _run
from tests.support import Chat, Database

Factory = Callable[[], Engine]
TO_DECISION_DATE = RATED[:-2]  # up to "ký ngày nào"


async def _products(db: Database) -> list[Product]:
    async with db.sessions() as session:
        return list((await session.exec(select(Product))).all())


async def _producer(db: Database) -> Producer | None:
    async with db.sessions() as session:
        return (await session.exec(select(Producer))).first()


async def test_yes_no_and_filler_words_are_not_names(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:3])
    for filler in ("ok", "ok dong y", "Dạ vâng", "dc"):
        await chat.say(filler)
        assert "không phải là tên" in chat.text and "Họ tên" not in chat.text, filler
        assert "Nguyễn Văn An" in chat.text  # the example of a real name
    for junk in ("12345", "🙂🙂"):
        await chat.say(junk)
        assert "họ tên" in chat.text, junk
    await chat.say("nguyễn văn an")
    assert "Tên cơ sở" in chat.text
    await chat.say("ok")
    assert "“ok” không phải là tên" in chat.text
    await chat.say("HTX Tôm khô Rạch Gốc")
    assert "loại hình nào" in chat.text
    await _run(chat, RATED[5:9])
    await chat.say("oke")
    assert "không phải là tên" in chat.text and "nhóm OCOP" not in chat.text


async def test_a_commune_not_on_the_list_is_never_stored_silently(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:8])
    await chat.say("xa rach goc")
    assert "không có trong danh sách 64 xã, phường" in chat.text
    assert chat.choices == [("Giữ nguyên “xa rach goc”", "keep")]
    await chat.say("tan an")  # typed again: the name on the list, restored with diacritics
    assert "Tên sản phẩm" in chat.text
    await chat.say("quay lại")
    await chat.say("tan thnah")  # a typo: close names offered
    assert "Phường Tân Thành" in str(chat.choices) and "Giữ nguyên" in str(chat.choices)
    await chat.say("xa rach goc")  # typed again at the suggestions: checked again
    assert "không có trong danh sách" in chat.text
    await chat.say("Giữ nguyên “xa rach goc”")
    assert "Tên sản phẩm" in chat.text
    for line, _ in RATED[9:]:
        await chat.say(line)
    assert "xa rach goc" in chat.text
    await chat.say("Lưu")
    producer = await _producer(database)
    assert producer is not None and producer.commune == "xa rach goc"


async def test_tan_an_becomes_the_listed_name(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:8])
    await chat.say("tan an")
    for line, _ in RATED[9:]:
        await chat.say(line)
    assert "Xã Tân Ân, Cà Mau" in chat.text
    await chat.say("Lưu")
    producer = await _producer(database)
    assert producer is not None and producer.commune == "Xã Tân Ân"


async def test_short_years_and_written_months_with_the_printed_validity_date(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, TO_DECISION_DATE)
    await chat.say("31/2/24")
    assert "Không có ngày 31/02/2024" in chat.text
    await chat.say("15/3/24")
    assert "có giá trị đến ngày nào" in chat.text and "Không rõ" in str(chat.choices)
    await chat.say("1/1/2024")  # before the decision
    assert "chưa hợp lý" in chat.text
    await chat.say("5 tháng 2 năm 2027")
    summary = chat.text
    assert "15/03/2024" in summary and "hiệu lực đến 05/02/2027" in summary
    assert "ước tính" not in summary
    await chat.say("Lưu")
    [product] = await _products(database)
    assert (product.decision_date, product.valid_until, product.expiry_date) == (
        date(2024, 3, 15),
        date(2027, 2, 5),
        date(2027, 2, 5),
    )


async def test_an_unknown_validity_date_is_estimated_and_said_so(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, TO_DECISION_DATE)
    await chat.say("15 thang 3 2024")
    await chat.tap("unknown")
    assert "ước tính" in chat.text and "15/03/2027" in chat.text
    assert "ước tính: ngày quyết định + 36 tháng" in chat.text  # in the summary too
    await chat.say("Lưu")
    [product] = await _products(database)
    assert product.valid_until is None and product.expiry_date == date(2027, 3, 15)


async def test_erasing_needs_the_word_xoa_or_the_button(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    await chat.say("Lưu")
    await chat.say("xóa dữ liệu của tôi")
    assert "gõ “xóa”" in chat.text
    for not_yes in ("1", "có", "ok", "dong y"):
        await chat.say(not_yes)
        assert "Chưa xóa gì" in chat.text, not_yes
        producer = await _producer(database)
        assert producer is not None and producer.erased_at is None, not_yes
    await chat.say("xoa")
    assert "đã được xóa" in chat.text
    producer = await _producer(database)
    assert producer is not None and producer.erased_at is not None


async def test_erasing_by_tapping_the_button_of_that_message(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    await chat.say("Lưu")
    await chat.say("xoa du lieu")
    erase = chat.value("Xóa dữ liệu")
    await chat.say("Giữ lại dữ liệu")
    await chat.tap(erase)  # the button of the earlier confirmation: stale, nothing happens
    producer = await _producer(database)
    assert producer is not None and producer.erased_at is None
    await chat.say("1")  # now the main menu's first option, never an erase
    producer = await _producer(database)
    assert producer is not None and producer.erased_at is None
    await chat.say("xoa du lieu")
    await chat.tap(chat.value("Xóa dữ liệu"))
    assert "đã được xóa" in chat.text


async def test_the_product_name_and_certificate_can_be_edited_after_saving(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    await chat.say("Lưu")
    await chat.say("thông tin của tôi")
    await chat.say("Sửa sản phẩm")
    assert "Sản phẩm của anh/chị" in chat.text and "tôm khô Rạch Gốc" in chat.text
    await chat.say("Tên sản phẩm")
    await chat.say("ok")
    assert "không phải là tên" in chat.text
    await chat.say("Tôm khô Rạch Gốc loại 1")
    assert "Sản phẩm của anh/chị" in chat.text and "Tôm khô Rạch Gốc loại 1" in chat.text
    await chat.say("Giai đoạn và số sao")
    for line in ("3", "4", "bỏ qua", "13/5/24", "05/02/2027"):
        await chat.say(line)
    assert "hiệu lực đến 05/02/2027" in chat.text
    await chat.say("Lưu và xong")
    assert "Đã lưu “Tôm khô Rạch Gốc loại 1”" in chat.text
    [product] = await _products(database)
    assert product.name == "Tôm khô Rạch Gốc loại 1"
    assert (product.valid_until, product.expiry_date) == (date(2027, 2, 5), date(2027, 2, 5))
    await chat.say("them san pham")
    for line in ("Mật ong rừng U Minh", "7", "2", "Lưu"):
        await chat.say(line)
    await chat.say("sua san pham")  # two products: which one?
    assert "sửa sản phẩm nào" in chat.text
    await chat.say("Mật ong rừng U Minh")
    await chat.say("Tên sản phẩm")
    await chat.say("Mật ong U Minh")
    await chat.say("Lưu và xong")
    names = sorted(p.name for p in await _products(database))
    assert names == ["Mật ong U Minh", "Tôm khô Rạch Gốc loại 1"]
