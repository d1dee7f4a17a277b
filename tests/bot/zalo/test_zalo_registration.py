"""A producer registers over Zalo end to end: signed events in, buttons and the info card out."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from conversations.registration.tables import Producer
from testbed.zalo_api import FakeZalo, Sent
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

AN = "7001234567890"


class Phone:
    """One person on Zalo: types, taps query buttons (a tap arrives as text) and shares info."""

    def __init__(self, served: Served, uid: str) -> None:
        self.served = served
        self.api: FakeZalo = served.api
        self.uid = uid
        self.last: list[Sent] = []

    async def send(self, event: dict[str, Any]) -> str:
        """Post a signed event, wait until it is answered; the texts received in answer."""
        before = len(self.api.to(self.uid))
        assert await self.served.post(event) == 200
        await self.served.settle()
        self.last = self.api.to(self.uid)[before:]
        return "\n".join(s.text for s in self.last)

    async def say(self, words: str) -> str:
        return await self.send(payloads.text(self.uid, words))

    async def tap(self, title: str) -> str:
        """Tap the newest button whose title contains `title`: its payload comes as text."""
        for sent in reversed(self.api.to(self.uid)):
            for button in sent.buttons:
                if title in button["title"]:
                    assert button["type"] == "oa.query.show"
                    return await self.say(button["payload"])
        raise AssertionError(f"no button like {title!r}")

    async def share(self, phone: str) -> str:
        return await self.send(payloads.submit_info(self.uid, phone))


async def test_full_registration_over_zalo(zalo: Harness, zalo_api: FakeZalo) -> None:
    served = await zalo.start()
    zalo_api.profiles[AN] = "An Nguyễn"
    an = Phone(served, AN)
    # A stranger's tap on "Nhắn tin" is not a message: Zalo would refuse a reply (-213/-232).
    assert await an.send(payloads.chat_now(AN)) == ""
    assert "trợ lý OCOP" in await an.say("menu")
    assert "trợ lý OCOP" in await an.send(payloads.chat_now(AN))  # within the window: greeted
    assert "Anh/chị đồng ý chứ?" in await an.tap("Đăng ký chủ thể")
    assert "Họ tên đầy đủ" in await an.tap("Đồng ý")
    assert "Tên cơ sở" in await an.say("nguyễn văn an")
    assert "loại hình nào" in await an.say("HTX Tôm khô Rạch Gốc")
    assert "Số điện thoại" in await an.tap("Hợp tác xã")
    [card] = an.last
    assert card.template == "request_user_info"
    [element] = card.message["attachment"]["payload"]["elements"]
    assert element["title"].startswith("📱")
    assert element["image_url"] == "https://ocop.example.vn/zalo/phone-card.png"

    assert "tỉnh nào" in await an.share("84912345678")  # Zalo sends 84…; stored as 0…
    assert "Xã/phường nào" in await an.tap("Cà Mau")
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

    async with served.runtime.sessions() as session:
        producer = (await session.exec(select(Producer))).one()
    assert (producer.representative, producer.phone) == ("Nguyễn Văn An", "0912345678")
    user = await served.user(AN)
    assert user is not None and user.display_name == "An Nguyễn"  # read from the profile once
    assert len(zalo_api.calls_to("/v3.0/oa/user/detail")) == 1
    assert {e.status for e in await served.events()} == {"done"}


async def test_every_button_payload_is_typeable_text(zalo: Harness, zalo_api: FakeZalo) -> None:
    served = await zalo.start()
    an = Phone(served, AN)
    await an.say("menu")
    buttons = [b for s in an.last for b in s.buttons]
    assert 0 < len(buttons) <= 5
    for button in buttons:
        assert button["type"] == "oa.query.show"
        assert button["payload"] == button["title"] or button["payload"].isdigit()
    # Typing a button's number does what tapping it does.
    assert "Anh/chị đồng ý chứ?" in await an.say("1")
