"""End to end over HTTP in polling mode: fake Bot API → real PTB → engine → reply recorded."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.channels.telegram.inbound import to_incoming
from conversations.assistant import build_router
from conversations.i18n import Catalogs
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.bot.telegram.conftest import Harness

LAN = 501
MAI = 502
STALE = "That button belongs to an older message, so I ignored it. Here is where we are now:"


def buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline buttons of a recorded reply markup, row after row."""
    assert markup is not None
    return [button for row in markup["inline_keyboard"] for button in row]


async def test_start_command_shows_the_menu_with_inline_buttons(
    telegram: Harness, api: FakeBotApi
) -> None:
    await telegram.start(build_router)
    await api.push(updates.text(LAN, "/start"))
    await api.wait_until(lambda: len(api.to(LAN)) >= 1)
    menu = api.to(LAN)[0]
    assert "trợ lý OCOP" in menu.text
    assert buttons(menu.reply_markup)[0]["callback_data"] == "menu:register"
    assert api.calls_of("deleteWebhook")
    user = await telegram.user(LAN)
    assert user is not None
    assert (user.display_name, user.locale) == ("Lan", "vi")


async def test_button_tap_is_answered_and_routed(
    telegram: Harness, api: FakeBotApi, catalogs: Catalogs
) -> None:
    await telegram.start(build_router)
    await api.push(updates.text(LAN, "/start"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    await api.push(updates.tap(LAN, "menu:settings"))
    await api.wait_until(lambda: len(api.to(LAN)) == 2)
    language = api.to(LAN)[1]
    assert "Anh/chị muốn dùng ngôn ngữ nào?" in language.text
    assert [b["callback_data"] for b in buttons(language.reply_markup)] == ["vi", "en"]
    assert len(api.calls_of("answerCallbackQuery")) == 1

    await api.push(updates.tap(LAN, "menu:forged-or-stale"))
    await api.wait_until(lambda: len(api.to(LAN)) == 3)
    again = api.to(LAN)[2].text  # the polite line, then the current question again (issue 16)
    assert again.startswith(catalogs.texts("vi")(STALE)) and "ngôn ngữ nào" in again
    assert buttons(api.to(LAN)[2].reply_markup) == buttons(language.reply_markup)
    assert len(api.calls_of("answerCallbackQuery")) == 2


async def test_contact_outside_a_flow_gets_the_polite_answer(
    telegram: Harness, api: FakeBotApi, catalogs: Catalogs
) -> None:
    await telegram.start(build_router)
    await api.push(updates.contact(LAN, "+84901234567"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    polite = "Thank you. I only need files or contacts during a step that asks for them."
    assert catalogs.texts("vi")(polite) in api.to(LAN)[0].text


async def test_contact_button_shares_the_phone_and_goes_away(
    telegram: Harness, api: FakeBotApi
) -> None:
    await telegram.start()
    await api.push(updates.text(LAN, "start phone"))
    await api.wait_until(lambda: len(api.to(LAN)) == 2)
    question, asking = api.to(LAN)
    assert question.text == "Share your phone"
    assert buttons(question.reply_markup) == [{"text": "Skip", "callback_data": "skip"}]
    assert asking.text == "📱 Share"
    assert asking.reply_markup == {
        "keyboard": [[{"text": "📱 Share", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    await api.push(updates.contact(LAN, "+84901234567"))
    await api.wait_until(lambda: len(api.to(LAN)) == 3)
    done = api.to(LAN)[2]
    assert done.text == "phone: +84901234567 (Lan Nguyễn)"
    assert done.reply_markup == {"remove_keyboard": True}


async def test_unsupported_message_gets_a_polite_answer(
    telegram: Harness, api: FakeBotApi, catalogs: Catalogs
) -> None:
    await telegram.start()
    await api.push(updates.sticker(LAN))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert api.to(LAN)[0].text == catalogs.texts("vi")(
        "Sorry, I can't read this kind of message yet."
    )


async def test_photo_reaches_the_engine_and_downloads_on_demand(
    telegram: Harness, api: FakeBotApi
) -> None:
    channel = await telegram.start()
    api.files["big"] = b"\xff\xd8 a photo of the label"
    await api.push(updates.photo(LAN, [("small", 90), ("big", 1280), ("mid", 320)]))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert await telegram.processed() == {1}
    assert await channel.download("big") == b"\xff\xd8 a photo of the label"
    assert api.calls_of("getFile")[-1].params["file_id"] == "big"


async def test_quiz_poll_answer_routes_back_after_a_restart(
    telegram: Harness, api: FakeBotApi, catalogs: Catalogs
) -> None:
    first = await telegram.start()
    await api.push(updates.text(LAN, "start quiz"))
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    sent = api.to(LAN)[0]
    assert sent.method == "sendPoll"
    assert sent.params["type"] == "quiz"
    assert sent.params["is_anonymous"] is False
    assert sent.params["correct_option_ids"] == [0]
    assert sent.params["explanation"] == "Hà Nội là thủ đô từ năm 1010."
    assert [o["text"] for o in sent.params["options"]] == ["Hà Nội", "Huế", "Sài Gòn"]
    poll_id = next(iter(api.polls))
    await first.stop()

    await telegram.start()  # a new process: new Application, new engine, same database
    await api.push(updates.poll_answer(LAN, poll_id, 1))
    await api.wait_until(lambda: len(api.to(LAN)) == 3)  # the answer, then the menu
    assert api.to(LAN)[1].text == "quiz answer: quiz:hue"

    await api.push(updates.poll_answer(LAN, "poll-unknown", 0))
    await api.wait_until(lambda: len(api.to(LAN)) == 4)
    assert api.to(LAN)[3].text == catalogs.texts("vi")(STALE)


async def test_an_update_committed_before_a_crash_gets_its_reply_when_sent_again(
    telegram: Harness, api: FakeBotApi
) -> None:
    """A process took both turns, then died: before Lan's reply left, after Mai's was recorded
    as sent. Telegram sends both unconfirmed updates again: Lan gets that turn's reply, once;
    Mai gets nothing twice; the engine takes neither turn again."""
    engine = telegram.engine(build_router)
    lost, sent = api.stamp(updates.text(LAN, "/start")), api.stamp(updates.text(MAI, "/start"))
    for body in (lost, sent):
        incoming = to_incoming(Update.de_json(body, None))
        assert incoming is not None and await engine.handle(incoming)
        if body is sent:
            await engine.delivered(incoming)

    await telegram.start(build_router)
    await api.redeliver(lost, sent)
    await api.wait_until(lambda: api.confirmed_below > sent["update_id"])
    assert len(api.to(LAN)) == 1 and "trợ lý OCOP" in api.to(LAN)[0].text
    assert buttons(api.to(LAN)[0].reply_markup)[0]["callback_data"] == "menu:register"
    assert api.to(MAI) == []
    assert await telegram.processed() == {lost["update_id"], sent["update_id"]}
