"""Reading typed dates, times and names as producers write them."""

from __future__ import annotations

from datetime import date, time

import pytest

from conversations.parsing import (
    DateParts,
    clean_name,
    date_parts,
    date_tokens,
    is_filler,
    parse_date,
    read_date,
    read_time,
)


@pytest.mark.parametrize(
    "typed",
    [
        "15/3/2024",
        "15/03/2024",
        "15/3/24",
        "15-3-2024",
        "15-03-24",
        "15.3.2024",
        "15 / 3 / 2024",
        "2024-03-15",
        "15 thang 3 2024",
        "15 tháng 3 2024",
        "15 tháng 3 năm 2024",
        "15 thang 3 nam 24",
        "ngày 15/3/2024",
        "Ngày 15 tháng 3 năm 2024",
    ],
)
def test_dates_as_people_write_them(typed: str) -> None:
    assert parse_date(typed) == date(2024, 3, 15)


def test_a_two_digit_year_is_this_century() -> None:
    assert parse_date("1/1/99") == date(2099, 1, 1)
    assert parse_date("1/1/00") == date(2000, 1, 1)


@pytest.mark.parametrize("typed", ["31/02/2024", "29/2/2023", "15/13/2024", "0/3/2024"])
def test_impossible_dates_are_recognised_as_dates_but_refused(typed: str) -> None:
    assert date_parts(typed) is not None
    assert parse_date(typed) is None


@pytest.mark.parametrize(
    "typed", ["hôm qua", "15/3", "tháng 3", "15 3 2024", "2024", "", "15/3/2024 abc"]
)
def test_what_is_not_a_full_date(typed: str) -> None:
    assert parse_date(typed) is None


def test_a_date_inside_a_sentence_and_without_a_year() -> None:
    tokens = date_tokens("nhắc tôi ngày 15/12 đi nộp hồ sơ")
    assert read_date(tokens, 2) == (DateParts(15, 12, None), 2)
    tokens = date_tokens("nhac 20 thang 1 nop")
    assert read_date(tokens, 1) == (DateParts(20, 1, None), 3)
    assert DateParts(20, 1, None).real(2027) == date(2027, 1, 20)
    assert DateParts(31, 2, None).real(2027) is None


@pytest.mark.parametrize(
    ("typed", "expected", "words"),
    [
        ("8h", time(8, 0), 1),
        ("8h30", time(8, 30), 1),
        ("08:30", time(8, 30), 1),
        ("lúc 8h", time(8, 0), 2),
        ("lúc 8 giờ sáng", time(8, 0), 4),
        ("3 giờ chiều", time(15, 0), 3),
        ("8 giờ 30 phút", time(8, 30), 4),
        ("8h tối", time(20, 0), 2),
        ("12h trưa", time(12, 0), 2),
        ("14h", time(14, 0), 1),
        ("2pm", time(14, 0), 1),
        ("at 8 am", time(8, 0), 3),
    ],
)
def test_times_of_day(typed: str, expected: time, words: int) -> None:
    assert read_time(date_tokens(typed)) == (expected, words)


@pytest.mark.parametrize("typed", ["8", "25h", "8h75", "nộp"])
def test_what_is_not_a_time(typed: str) -> None:
    assert read_time(date_tokens(typed)) is None


@pytest.mark.parametrize(
    "typed",
    ["ok", "OK", "oke", "ok đồng ý", "dc", "đc", "Dạ vâng", "có", "không", "ko", "ok ok", "cảm ơn"],
)
def test_yes_no_and_filler_words_are_not_names(typed: str) -> None:
    assert is_filler(typed)
    assert clean_name(typed) is None


@pytest.mark.parametrize("typed", ["12345", "🙂🙂🙂", "!!", "a", "   "])
def test_digits_emoji_and_too_short_are_not_names(typed: str) -> None:
    assert clean_name(typed) is None


@pytest.mark.parametrize(
    "typed", ["Nguyễn Văn An", "HTX Tôm khô Rạch Gốc", "Thu", "Cam sành", "Cơ sở Hồng Vân"]
)
def test_real_names_are_kept(typed: str) -> None:
    assert clean_name(typed) == typed
