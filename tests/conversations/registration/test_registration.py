"""Registration transcripts: every path of the diagram, restarts, bad input, edits, my data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import select

from conversations.engine import Engine
from conversations.models import User
from conversations.registration.tables import Producer, Product
from tests.support import Chat, Database

Factory = Callable[[], Engine]

RATED = [
    ("menu", "Đăng ký chủ thể"),
    ("1", "Anh/chị đồng ý chứ?"),
    ("1", "Họ tên đầy đủ"),
    ("nguyễn văn an", "Tên cơ sở"),
    ("HTX Tôm khô Rạch Gốc", "loại hình nào"),
    ("2", "Số điện thoại"),
    ("+84 912.345.678", "tỉnh nào"),
    ("Cà Mau", "Xã/phường nào"),
    ("Tân Thành", "Tên sản phẩm"),
    ("tôm khô Rạch Gốc", "nhóm OCOP nào"),
    ("7", "giai đoạn nào"),  # 7 = the suggested set
    ("3", "mấy sao"),
    ("4", "Số quyết định"),
    ("1234/QĐ-UBND", "ký ngày nào"),
    ("13/5/2024", "có giá trị đến ngày nào"),
    ("không rõ", "kiểm tra lại thông tin"),
]


async def _producer(db: Database) -> tuple[Producer | None, list[Product]]:
    async with db.sessions() as session:
        producer = (await session.exec(select(Producer))).first()
        products = list((await session.exec(select(Product))).all())
    return producer, products


async def _run(chat: Chat, script: list[tuple[str, str]]) -> None:
    for line, expected in script:
        await chat.say(line)
        assert expected in chat.text + str(chat.choices), (line, chat.text)


async def test_full_registration_of_a_rated_product(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    summary = chat.text
    for fragment in (
        "Nguyễn Văn An",
        "HTX Tôm khô Rạch Gốc",
        "Hợp tác xã",
        "0912345678",
        "Phường Tân Thành, Cà Mau",
        "4 sao",
        "1234/QĐ-UBND",
        "13/05/2024",
        "hiệu lực đến 13/05/2027",
    ):
        assert fragment in summary, fragment
    await chat.say("Lưu")
    assert "Đã lưu!" in chat.text
    producer, products = await _producer(database)
    assert producer is not None
    assert (producer.representative, producer.phone, producer.entity_type) == (
        "Nguyễn Văn An",
        "0912345678",
        "cooperative",
    )
    assert producer.consent_at is not None
    [product] = products
    assert (product.group_id, product.set_id, product.stars) == (
        "food",
        "processed-meat-seafood",
        4,
    )
    assert product.decision_date == date(2024, 5, 13)
    assert product.expiry_date == date(2027, 5, 13)


async def test_restart_between_every_step(assistant: Factory, database: Database) -> None:
    for line, expected in [*RATED, ("1", "Đã lưu!")]:
        chat = Chat(assistant())
        await chat.say(line)
        assert expected in chat.text + str(chat.choices), (line, chat.text)
    producer, products = await _producer(database)
    assert producer is not None and len(products) == 1


async def test_declining_consent_stores_nothing(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("1")
    await chat.say("Không, cảm ơn")
    assert "không lưu gì" in chat.text
    producer, _ = await _producer(database)
    assert producer is None


async def test_bad_answers_are_refused_and_change_nothing(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:3])
    await chat.say("1")  # a name must have letters
    assert "họ tên" in chat.text
    await chat.say("🙂🙂🙂")
    assert "họ tên" in chat.text
    await _run(chat, RATED[3:5])
    await chat.say("9")  # no such entity type
    assert "chọn một mục" in chat.text
    await _run(chat, RATED[5:6])
    for bad in ("12345", "0123 456 789", "số tôi là 09"):
        await chat.say(bad)
        assert "0912 345 678" in chat.text, bad
    await _run(chat, RATED[6:10])
    await chat.say("hàng không vũ trụ")  # not a group
    assert "sáu nhóm" in chat.text
    await chat.say("thuc pham")  # a group by name, without diacritics
    assert "bộ sản phẩm nào" in chat.text
    await chat.say("2")
    assert "giai đoạn nào" in chat.text
    await chat.say("3")
    await chat.say("4")
    await chat.say("bỏ qua")  # the decision number is optional
    assert "ký ngày nào" in chat.text
    for bad in ("31/02/2024", "hôm qua", "1/1/2099"):
        await chat.say(bad)
        assert "ngày/tháng/năm" in chat.text, bad
    await chat.say("1/1/2024")
    assert "có giá trị đến ngày nào" in chat.text
    await chat.say("Không rõ")
    assert "kiểm tra lại" in chat.text
    producer, _ = await _producer(database)
    assert producer is None  # nothing is stored before the summary is saved


async def test_shared_contact_and_unregistered_entity(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:5])
    await chat.say("Chưa đăng ký kinh doanh")
    assert "chưa nộp hồ sơ được" in chat.text
    await chat.say("Tiếp tục")
    assert chat.replies[-1].request_contact
    await chat.share("84912345678")
    assert "tỉnh nào" in chat.text


async def test_commune_suggestions_and_other_province(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:8])
    await chat.say("tan thnah")  # typo, no diacritics
    assert "Phường Tân Thành" in str(chat.choices)
    await chat.tap(chat.value("Tân Thành"))
    assert "Tên sản phẩm" in chat.text
    await chat.say("quay lại")  # passes over the suggestions
    assert "Xã/phường nào" in chat.text
    await chat.say("quay lại")
    assert "tỉnh nào" in chat.text
    await chat.say("Bến Tre")
    await chat.say("Xã Lạc Lối")  # not checked against Cà Mau's list
    assert "Tên sản phẩm" in chat.text


async def test_edit_a_field_from_the_summary(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    await chat.say("Sửa thông tin")
    await chat.say("Điện thoại")
    assert "Số điện thoại" in chat.text
    await chat.say("0987 654 321")
    assert "kiểm tra lại thông tin" in chat.text and "0987654321" in chat.text
    await chat.say("Sửa thông tin")
    await chat.say("Giai đoạn và số sao")
    await chat.say("Đang sản xuất, chưa đánh giá")
    assert "kiểm tra lại thông tin" in chat.text and "sao" not in chat.text.split("Giai đoạn")[1]
    await chat.say("Lưu")
    _, [product] = await _producer(database)
    assert product.stage == "producing" and product.stars is None and product.expiry_date is None


async def test_menu_pauses_and_resumes_registration(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:6])
    await chat.say("menu")
    await chat.say("Đăng ký chủ thể")
    assert "quay lại" in chat.text.lower() and "Số điện thoại" in chat.text
    await chat.say("hủy")
    await chat.say("Đăng ký chủ thể")
    assert "đồng ý chứ" in chat.text


async def test_my_data_edit_add_product_and_erase(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED)
    await chat.say("Lưu")
    await chat.say("thông tin của tôi")
    assert "Nguyễn Văn An" in chat.text and "tôm khô Rạch Gốc" in chat.text
    await chat.say("Sửa thông tin")
    await chat.say("✏️ Người đại diện")
    await chat.say("Trần Thị Bé")
    assert "Trần Thị Bé" in chat.text
    await chat.say("Lưu và xong")
    await chat.say("them san pham")
    for line in ("Mật ong rừng U Minh", "7", "2", "Lưu"):
        await chat.say(line)
    assert "Đã lưu “Mật ong rừng U Minh”" in chat.text
    producer, products = await _producer(database)
    assert producer is not None and producer.representative == "Trần Thị Bé"
    assert sorted(p.set_id or "" for p in products) == [
        "honey-other-farm-foods",
        "processed-meat-seafood",
    ]
    await chat.say("xóa dữ liệu của tôi")
    await chat.say("Giữ lại dữ liệu")
    assert "Không có gì bị xóa" in chat.text
    await chat.say("xoa du lieu cua toi")
    await chat.say("Có, xóa")
    assert "đã được xóa" in chat.text
    producer, products = await _producer(database)
    assert producer is not None and producer.erased_at is not None
    assert (producer.representative, producer.phone, producer.user_id) == ("", None, None)
    assert len(products) == 2 and all(p.name == "" for p in products)
    await chat.say("thông tin của tôi")
    assert "chưa đăng ký" in chat.text


async def test_a_wrong_phone_keeps_the_share_button_and_writing_restores_reach(
    assistant: Factory, database: Database
) -> None:
    chat = Chat(assistant())
    await _run(chat, RATED[:6])
    assert chat.replies[-1].request_contact
    await chat.say("12345")
    assert chat.replies[-1].request_contact  # the retry still offers the share button
    await chat.say("0912345678")
    assert not chat.replies[-1].request_contact
    async with database.sessions() as session:
        user = (await session.exec(select(User))).one()
        user.reachable = False
        session.add(user)
        await session.commit()
    await chat.say("Cà Mau")
    async with database.sessions() as session:
        assert (await session.exec(select(User))).one().reachable is True
