"""The bot's command menu in Telegram (the "/" button), set at start in Vietnamese and English."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from conversations.i18n import LOCALES, N_, Catalogs

log = logging.getLogger(__name__)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("dangky", N_("Register as a producer")),
    ("hoso", N_("My dossier")),
    ("hoidap", N_("Ask about OCOP")),
    ("ontap", N_("Self-quiz")),
    ("lich", N_("Deadlines & reminders")),
    ("ngonngu", N_("Language / Ngôn ngữ")),
    ("huy", N_("Stop what you are doing")),
)
"""(command, description msgid); each command is also a word the router knows ("/hoso")."""


async def set_commands(bot: Bot, catalogs: Catalogs, default_locale: str) -> None:
    """Set the command menu for every language, the default language's for everyone else.

    A refusal is logged and not fatal: the bot works without a menu.
    """
    for locale in (*LOCALES, ""):
        t = catalogs.texts(locale or default_locale)
        commands = [BotCommand(name, t(description)) for name, description in COMMANDS]
        try:
            await bot.set_my_commands(commands, language_code=locale or None)
        except TelegramError as error:
            log.warning("telegram: setMyCommands(%s) refused: %s", locale or "default", error)
            return
