"""A producer registers over Telegram, sharing the phone number with the contact button."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from conversations.assistant import build_router
from conversations.registration.tables import Producer
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi, Sent
from tests.bot.telegram.conftest import Harness

AN = 1001


class Phone:
    """One person on Telegram: types, taps buttons and shares a contact."""

    def __init__(self, api: FakeBotApi, uid: int) -> None:
        self.api = api
        self.uid = uid
        self.last: list[Sent] = []

    async def send(self, body: dict[str, Any]) -> str:
        """Send an update and wait until it is processed; the texts received in answer."""
        before = len(self.api.to(self.uid))
        [update_id] = await self.api.push(body)
        await self.api.wait_until(lambda: self.api.confirmed_below > update_id)
        self.last = self.api.to(self.uid)[before:]
        return "\n".join(s.text for s in self.last)

    async def say(self, words: str) -> str:
        return await self.send(updates.text(self.uid, words))

    async def tap(self, label: str) -> str:
        """Tap the newest inline button whose label contains `label`."""
        for sent in reversed(self.api.to(self.uid)):
            for row in (sent.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return await self.send(updates.tap(self.uid, button["callback_data"]))
        raise AssertionError(f"no button like {label!r}")

    async def share(self, phone: str) -> str:
        return await self.send(updates.contact(self.uid, phone))

    def markups(self) -> list[dict[str, Any]]:
        return [s.reply_markup for s in self.last if s.reply_markup]


async def test_full_registration_with_a_shared_contact(telegram: Harness, api: FakeBotApi) -> None:
    await telegram.start(build_router)
    an = Phone(api, AN)
    assert "trợ lý OCOP" in await an.say("/start")
    assert "Anh/chị đồng ý chứ?" in await an.tap("Đăng ký chủ thể")
    assert "Họ tên đầy đủ" in await an.tap("Đồng ý")
    assert "Tên cơ sở" in await an.say("nguyễn văn an")
    assert "loại hình nào" in await an.say("HTX Tôm khô Rạch Gốc")
    assert "Số điện thoại" in await an.tap("Hợp tác xã")
    contact_button = {"text": "📱 Chia sẻ số điện thoại", "request_contact": True}
    assert an.markups()[-1]["keyboard"] == [[contact_button]]

    assert "tỉnh nào" in await an.share("+84 912 345 678")
    assert "Xã/phường nào" in await an.tap("Cà Mau")
    assert {"remove_keyboard": True} in an.markups()  # the first reply without buttons
    for line, expected in [
        ("Tân Thành", "Tên sản phẩm"),
        ("tôm khô Rạch Gốc", "nhóm OCOP nào"),
        ("7", "giai đoạn nào"),
        ("3", "mấy sao"),
        ("4", "Số quyết định"),
        ("1234/QĐ-UBND", "ký ngày nào"),
    ]:
        assert expected in await an.say(line), line
    assert "có giá trị đến ngày nào" in await an.say("13/5/2024")
    summary = await an.say("không rõ")
    assert "kiểm tra lại thông tin" in summary
    assert "0912345678" in summary
    assert "Đã lưu!" in await an.tap("Lưu")

    async with telegram.sessions()() as session:
        producer = (await session.exec(select(Producer))).one()
    assert (producer.representative, producer.phone) == ("Nguyễn Văn An", "0912345678")
