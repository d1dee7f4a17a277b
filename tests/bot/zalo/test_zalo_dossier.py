"""Dossier files over Zalo: a photo and a PDF sent in the chat are kept with their Zalo URLs."""

from __future__ import annotations

from sqlmodel import select

from conversations.registration.tables import DossierFile
from testbed.zalo_api import FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness
from tests.bot.zalo.test_zalo_registration import Phone
from tests.conversations.registration.test_registration import RATED

CHI = "7005550001112"
PHOTO = "https://photo-stal.zdn.vn/attach/phieu-dang-ky.jpg"
PDF = "https://zalo-file.zdn.vn/f/bao-cao.pdf?token=abc"


async def test_photo_and_pdf_reach_the_dossier(zalo: Harness, zalo_api: FakeZalo) -> None:
    served = await zalo.start()
    chi = Phone(served, CHI)
    for line, expected in RATED:
        assert expected in await chi.say(line) + str([s.buttons for s in chi.last]), line
    await chi.say("Lưu")
    assert "loại đánh giá nào" in await chi.say("Bắt đầu làm hồ sơ")
    await chi.say("Đánh giá nâng hạng")
    assert "Phiếu đăng ký" in await chi.say("Làm từng mục")
    assert "gửi ảnh hoặc PDF" in await chi.say("Đã có")
    assert "Đã nhận và lưu" in await chi.send(payloads.image(CHI, PHOTO))
    await chi.say("Đã có")
    received = await chi.send(payloads.file(CHI, PDF, "bao-cao.pdf", "304128", "pdf"))
    assert "Đã nhận và lưu" in received

    async with served.runtime.sessions() as session:
        files = {f.file_ref: f for f in (await session.exec(select(DossierFile))).all()}
    assert set(files) == {PHOTO, PDF}
    assert files[PHOTO].mime_type == "image/jpeg"
    assert (files[PDF].mime_type, files[PDF].size) == ("application/pdf", 304128)
