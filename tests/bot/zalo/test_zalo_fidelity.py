"""What Zalo refuses, the fake refuses; what Zalo reports (quota), the channel keeps."""

from __future__ import annotations

import logging

import pytest

from bot.channels.zalo import ZaloConfig
from bot.settings import Settings
from conversations.channels import quota
from conversations.channels.inbox import DONE
from conversations.channels.tables import ReplyQuota
from conversations.clock import utcnow
from conversations.messages import Choice, Reply
from testbed.zalo_api import FakeZalo, Refusal, check_message
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness, Served

CS = "/v3.0/oa/message/cs"
USER = "7012000000001"
BUTTON = {"title": "1 sao", "type": "oa.query.show", "payload": "1 sao"}


def _buttons(payload: dict[str, object]) -> dict[str, object]:
    return {"text": "Mấy sao?", "attachment": {"type": "template", "payload": payload}}


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (_buttons({"template_type": "button", "buttons": [BUTTON]}), -201),
        (_buttons({"buttons": [BUTTON] * 6}), -201),
        (_buttons({"buttons": [{**BUTTON, "color": "red"}]}), -201),
        ({"text": "x" * 2001}, -210),
        ({"text": "", "extra": 1}, -201),
        (
            {"attachment": {"type": "template", "payload": {
                "template_type": "request_user_info",
                "elements": [{"title": "Chia sẻ", "subtitle": "Số điện thoại?"}],
            }}},
            -201,
        ),
    ],
    ids=["template_type", "six buttons", "unknown button field", "2001 chars", "unknown field",
         "card without image_url"],
)  # fmt: skip
def test_the_fake_refuses_what_zalo_refuses(message: dict[str, object], code: int) -> None:
    with pytest.raises(Refusal) as refused:
        check_message(message)
    assert refused.value.code == code


def test_the_fake_accepts_the_documented_shapes() -> None:
    check_message({"text": "x" * 2000})
    check_message(_buttons({"buttons": [BUTTON] * 5}))
    card = {"title": "Chia sẻ", "subtitle": "Số?", "image_url": "https://a.vn/p.png"}
    payload = {"template_type": "request_user_info", "elements": [card]}
    check_message({"attachment": {"type": "template", "payload": payload}})


async def test_sends_outside_the_window_or_beyond_the_free_replies_are_refused(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    client = served.channel.client
    with pytest.raises(Exception, match="-230"):
        await client.send_text("7012999999999", "chưa từng nhắn")  # never wrote
    zalo_api.user_wrote(USER, at=zalo_api.now() - 49 * 3600)
    with pytest.raises(Exception, match="-211"):
        await client.send_text(USER, "sau 48 giờ, hết hạn mức chủ động")
    zalo_api.user_wrote(USER)
    for n in range(8):
        await client.send_text(USER, f"trả lời {n + 1}")
    with pytest.raises(Exception, match="-211"):
        await client.send_text(USER, "trả lời thứ 9")
    zalo_api.unfollowed.add(USER)
    with pytest.raises(Exception, match="-213"):
        await client.send_text(USER, "đã bỏ theo dõi")


async def test_each_sends_quota_is_stored_and_counted_against_eight_replies(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    assert await served.post(payloads.text(USER, "menu")) == 200
    await served.settle()
    async with served.runtime.sessions() as session:
        row = await session.get(ReplyQuota, ("zalo", USER))
        assert row is not None
        assert (row.replies, row.quota_type, row.remain, row.total) == (1, "reply", 7, 8)
    for n in range(7):
        await served.channel.send(USER, [Reply(f"Tin {n}")])
    async with served.runtime.sessions() as session:
        summary = await quota.summary(session, "zalo", utcnow())
    assert (summary.open_windows, summary.replies, summary.at_limit) == (1, 8, 1)
    assert summary.latest_remain == 0


async def test_any_refusal_of_buttons_falls_back_to_numbered_text(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    zalo_api.user_wrote(USER)
    zalo_api.fail(CS, -233)  # "message type invalid": not a code the client knows
    stars = tuple(Choice(f"{n} sao", f"stars:{n}") for n in range(1, 4))
    await served.channel.send(USER, [Reply("Mấy sao?", choices=stars)])
    [sent] = zalo_api.to(USER)
    assert sent.buttons == [] and "3. 3 sao" in sent.text


async def test_without_a_card_picture_the_phone_is_asked_in_text(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start(info_image_url="")
    zalo_api.user_wrote(USER)
    await served.channel.send(USER, [Reply("Số điện thoại?", request_contact="📱 Chia sẻ")])
    assert zalo_api.texts(USER) == ["Số điện thoại?"]
    assert all(s.template != "request_user_info" for s in zalo_api.sent)


def test_the_card_picture_is_served_under_the_public_base_url() -> None:
    values = {"zalo_app_id": "1", "zalo_app_secret": "s", "zalo_oa_secret_key": "k"}
    served = Settings(public_base_url="https://ocop.example.vn/", **values)  # type: ignore[arg-type]
    config = ZaloConfig.from_settings(served)
    assert config.info_image_url == "https://ocop.example.vn/zalo/phone-card.png"
    assert ZaloConfig.from_settings(Settings(**values)).info_image_url == ""  # type: ignore[arg-type]


async def test_the_app_serves_the_card_picture(served_app: Served) -> None:
    response = await served_app.client.get("/zalo/phone-card.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture
async def served_app(zalo: Harness) -> Served:
    """One app with the Zalo channel started."""
    return await zalo.start()


async def test_ignored_events_are_logged(
    served_app: Served, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    anonymous = {**payloads.text(USER, "chào"), "event_name": "anonymous_send_text"}
    reacted = {**payloads.text(USER, "❤"), "event_name": "user_reacted_message"}
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo.events"):
        assert await served_app.post(anonymous) == 200
        assert await served_app.post(reacted) == 200
    assert "anonymous_send_text" in caplog.text and "user_reacted_message" in caplog.text
    assert zalo_api.sent == []


async def test_chat_now_from_a_stranger_is_not_answered_but_logged(
    served_app: Served, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo.channel"):
        assert await served_app.post(payloads.chat_now(USER)) == 200
        await served_app.settle()
    assert zalo_api.calls_to(CS) == []
    assert "chat-now" in caplog.text
    [event] = await served_app.events()
    assert event.status == DONE
