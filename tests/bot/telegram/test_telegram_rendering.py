"""Replies as Telegram calls: text splitting, keyboards, contact keyboards, polls, captions."""

from __future__ import annotations

import logging

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.channels.telegram.rendering import (
    callback_data,
    explanation,
    inline_keyboard,
    plan,
    split_text,
    utf16_len,
)
from conversations.messages import Attachment, Choice, Poll, Reply

OPTIONS = (Choice("Hà Nội", "quiz:hn"), Choice("Huế", "quiz:hue"))
POLL = Poll("Thủ đô?", ("Hà Nội", "Huế"), (0,), "Hà Nội.")


def rows(markup: object) -> list[list[str]]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [[b.text for b in row] for row in markup.inline_keyboard]


def test_short_text_is_one_message() -> None:
    assert split_text("xin chào") == ["xin chào"]


def test_long_text_splits_at_paragraphs_then_lines_then_spaces() -> None:
    paragraphs = ["a" * 3000, "b" * 3000, "c" * 100]
    assert split_text("\n\n".join(paragraphs)) == [paragraphs[0], "\n\n".join(paragraphs[1:])]
    lines = ["d" * 3000, "e" * 3000]
    assert split_text("\n".join(lines)) == lines
    words = ("chữ " * 2000).strip()
    pieces = split_text(words)
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert " ".join(pieces) == words


def test_hard_cut_counts_utf16_and_keeps_every_character() -> None:
    emoji = "🌾" * 5000  # two UTF-16 units each
    pieces = split_text(emoji)
    assert [utf16_len(p) for p in pieces] == [4096, 4096, 1808]
    assert "".join(pieces) == emoji


def test_short_labels_pair_up_long_ones_stand_alone() -> None:
    choices = [
        Choice("Có", "yes"),
        Choice("Không", "no"),
        Choice("📝 Đăng ký chủ thể OCOP", "register"),
        Choice("Trợ giúp", "help"),
    ]
    assert rows(inline_keyboard(choices)) == [
        ["Có", "Không"],
        ["📝 Đăng ký chủ thể OCOP"],
        ["Trợ giúp"],
    ]


def test_value_too_long_for_a_button_sends_its_number(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert callback_data("x" * 65, 2) == "#2"
    assert "longer than 64 bytes" in caplog.text
    assert callback_data("đ" * 32, 1) == "đ" * 32  # 64 bytes exactly


def test_contact_request_with_choices_is_two_messages() -> None:
    reply = Reply("Số điện thoại?", request_contact="📱 Gửi số", choices=(Choice("Bỏ qua", "s"),))
    question, asking = plan([reply], remove_keyboard=True)
    assert rows(question.markup) == [["Bỏ qua"]]
    assert asking.text == "📱 Gửi số"
    assert isinstance(asking.markup, ReplyKeyboardMarkup)
    assert asking.markup.one_time_keyboard
    assert asking.markup.keyboard[0][0].request_contact


def test_contact_request_alone_carries_the_keyboard() -> None:
    [only] = plan([Reply("Số điện thoại?", request_contact="📱 Gửi số")])
    assert isinstance(only.markup, ReplyKeyboardMarkup)


def test_keyboard_is_removed_on_the_first_message_without_buttons() -> None:
    replies = [Reply("Cảm ơn.", choices=OPTIONS), Reply("Tiếp theo"), Reply("Và")]
    out = plan(replies, remove_keyboard=True)
    assert [type(o.markup) for o in out] == [
        InlineKeyboardMarkup,
        ReplyKeyboardRemove,
        type(None),
    ]
    assert plan(replies)[1].markup is None  # sends from the delivery worker leave it alone


def test_quiz_poll_replaces_text_and_buttons() -> None:
    [poll] = plan([Reply("Thủ đô?", choices=OPTIONS, poll=POLL)])
    assert poll.kind == "poll"
    assert poll.values == ("quiz:hn", "quiz:hue")
    lead, poll = plan([Reply("Câu 1/10", choices=OPTIONS, poll=POLL)])
    assert (lead.kind, lead.text, poll.kind) == ("text", "Câu 1/10", "poll")


def test_poll_that_does_not_fit_falls_back_to_buttons(caplog: pytest.LogCaptureFixture) -> None:
    mismatched = Reply("Thủ đô?", choices=OPTIONS[:1], poll=POLL)
    with caplog.at_level(logging.WARNING):
        [message] = plan([mismatched])
    assert (message.kind, rows(message.markup)) == ("text", [["Hà Nội"]])
    two_correct = Poll("Q?", ("a", "b"), (0, 1))
    [message] = plan([Reply("Q?", choices=OPTIONS, poll=two_correct)])
    assert message.kind == "text"


def test_explanation_fits_telegram() -> None:
    assert explanation("một\nhai\nba\nbốn") == "một\nhai\nba bốn"
    long = explanation("chữ " * 100)
    assert utf16_len(long) == 200
    assert long.endswith("…")


def test_attachment_takes_the_text_as_caption_unless_too_long() -> None:
    photo = Attachment(kind="photo", file_ref="AgAD")
    [sent] = plan([Reply("Mẫu", attachment=photo, choices=OPTIONS)])
    assert (sent.kind, sent.text, sent.file_ref) == ("photo", "Mẫu", "AgAD")
    assert rows(sent.markup) == [["Hà Nội", "Huế"]]
    text, sent = plan([Reply("x" * 2000, attachment=photo, choices=OPTIONS)])
    assert (text.kind, text.markup, sent.kind, sent.text) == ("text", None, "photo", "")
    assert sent.markup is not None


def test_empty_text_with_choices_shows_the_numbers() -> None:
    [message] = plan([Reply("", choices=OPTIONS)])
    assert message.text == "1. Hà Nội\n2. Huế"
    assert plan([Reply("  ")]) == []
