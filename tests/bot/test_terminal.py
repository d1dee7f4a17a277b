"""`ocop-bot chat` with piped input: a message a line, numbered choices, state kept."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import Database


def _chat(database: Database, lines: list[str], *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database.url}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args],
        input="\n".join(lines) + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


async def test_piped_chat_prints_replies_and_numbered_choices(database: Database) -> None:
    out = _chat(database, ["menu"], "--user", "lan")
    assert "Chào anh/chị! Tôi là trợ lý OCOP Cà Mau." in out
    assert "1. 📝 Đăng ký chủ thể" in out
    assert "6. ⚙️ Ngôn ngữ / Language" in out


async def test_same_user_continues_across_runs(database: Database) -> None:
    first = _chat(database, ["menu", "6"], "--user", "lan")
    assert "1. Tiếng Việt" in first
    second = _chat(database, ["2"], "--user", "lan")
    assert "I will speak English" in second
    third = _chat(database, ["menu"], "--user", "lan")
    assert "1. 📝 Register as a producer" in third
    other = _chat(database, ["menu"], "--user", "binh")
    assert "Đăng ký chủ thể" in other


async def test_lang_option_sets_the_language(database: Database) -> None:
    out = _chat(database, ["menu"], "--user", "an", "--lang", "en")
    assert "What would you like to do?" in out
