"""The dossier walkthrough: statuses, files, wrong files, progress, gaps, resume after restart."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from conversations.engine import Engine
from conversations.messages import Attachment
from conversations.registration.tables import DossierFile, DossierItem
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database

Factory = Callable[[], Engine]
PHOTO = Attachment(kind="photo", file_ref="tg-file-1", mime_type="image/jpeg", size=120_000)
PDF = Attachment(kind="document", file_ref="tg-file-2", mime_type="application/pdf",
                 size=300_000, file_name="phieu.pdf")


async def _registered(chat: Chat) -> None:
    for line, _ in RATED:
        await chat.say(line)
    await chat.say("Lưu")
    await chat.say("Bắt đầu làm hồ sơ")


async def _items(db: Database) -> dict[str, str]:
    async with db.sessions() as session:
        return {i.item_id: i.status for i in (await session.exec(select(DossierItem))).all()}


async def test_walkthrough_records_each_answer(assistant: Factory, database: Database) -> None:
    chat = Chat(assistant())
    await _registered(chat)
    assert "loại đánh giá nào" in chat.text
    await chat.say("Đánh giá nâng hạng")
    assert "0/5 mục bắt buộc" in chat.text  # no business plan or profile for an upgrade
    await chat.say("Làm từng mục")
    assert "Phiếu đăng ký" in chat.text and "Bắt buộc" in chat.text
    await chat.say("Đã có")
    assert "gửi ảnh hoặc PDF" in chat.text
    await chat.attach(PHOTO)
    assert "Đã nhận và lưu" in chat.text and "Báo cáo tự đánh giá" in chat.text
    await chat.say("Đang làm")
    assert "Giấy đăng ký kinh doanh" in chat.text
    await chat.say("Chưa có")
    assert "📍" in chat.text and "💡" in chat.text
    await chat.say("Mục tiếp theo")
    await chat.say("Bỏ qua")  # the choice, not the global word
    await chat.say("Đã có")
    await chat.attach(Attachment(kind="document", file_ref="x", mime_type="application/zip",
                                 size=10, file_name="a.zip"))
    assert "chỉ nhận ảnh" in chat.text
    await chat.attach(Attachment(kind="photo", file_ref="big", mime_type="image/png",
                                 size=30 * 1024 * 1024))
    assert "20 MB" in chat.text
    await chat.attach(PDF)
    assert "Đã nhận và lưu" in chat.text
    states = await _items(database)
    assert states == {
        "registration-form": "have",
        "self-assessment": "in_progress",
        "business-registration": "dont_have",
        "product-samples": "skipped",
        "dossier-copies": "have",
    }
    async with database.sessions() as session:
        files = (await session.exec(select(DossierFile))).all()
    assert sorted(f.file_ref for f in files) == ["tg-file-1", "tg-file-2"]


async def test_progress_missing_and_summary(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _registered(chat)
    await chat.say("Đánh giá lần đầu")
    assert "0/7 mục bắt buộc" in chat.text and "░░░░░░░░░░" in chat.text
    await chat.say("Làm từng mục")
    await chat.say("Đã có")
    await chat.say("Đánh dấu đã có, không gửi tệp")
    await chat.say("Tổng quan hồ sơ")
    assert "1/7 mục bắt buộc" in chat.text
    await chat.say("Còn thiếu gì?")
    assert "Còn thiếu" in chat.text and "Phiếu đăng ký" not in chat.text
    await chat.say("Xem thêm")  # the legal papers come first, five at a time
    assert "Phiếu đăng ký" not in chat.text
    assert "Báo cáo tự đánh giá" in chat.text
    await chat.say("Tóm tắt gửi cán bộ xã")
    assert "Hồ sơ OCOP — tôm khô Rạch Gốc" in chat.text
    assert "✅ Phiếu đăng ký" in chat.text and "0912345678" in chat.text


async def test_resume_after_restart_and_from_the_menu(assistant: Factory) -> None:
    chat = Chat(assistant())
    await _registered(chat)
    await chat.say("Đánh giá lần đầu")
    await chat.say("Làm từng mục")
    await chat.say("Đang làm")
    restarted = Chat(assistant())
    await restarted.say("menu")
    await restarted.say("Hồ sơ của tôi")
    assert "0/7 mục bắt buộc" in restarted.text
    await restarted.say("Làm từng mục")
    assert "Báo cáo tự đánh giá" in restarted.text  # the first unanswered item


async def test_dossier_before_registering(assistant: Factory) -> None:
    chat = Chat(assistant())
    await chat.say("menu")
    await chat.say("Hồ sơ của tôi")
    assert "đăng ký trước" in chat.text
    await chat.say("còn thiếu gì?")
    assert "đăng ký trước" in chat.text
