"""The main menu: every capability of the product, reachable from anywhere by "menu"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.officers import is_officer
from conversations.turn import Turn

MenuHandler = Callable[[Turn], Awaitable[list[Reply]]]

MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("menu:register", N_("📝 Register as a producer")),
    ("menu:dossier", N_("📂 My dossier")),
    ("menu:ask", N_("❓ Ask about OCOP")),
    ("menu:quiz", N_("🧠 Self-quiz")),
    ("menu:reminders", N_("⏰ Deadlines & reminders")),
    ("menu:settings", N_("⚙️ Language / Ngôn ngữ")),
)
"""(value, label msgid) of each main-menu entry, in the order shown."""


OFFICER_ITEMS: tuple[tuple[str, str], ...] = (
    ("bcast:new", N_("📣 Send an announcement (officers)")),
)
"""Entries officers see below the main menu."""


def menu_choices(turn: Turn) -> tuple[Choice, ...]:
    """The main-menu choices in the user's language (officers see theirs too)."""
    items = MENU_ITEMS + (OFFICER_ITEMS if is_officer(turn.user) else ())
    return tuple(Choice(turn.t(label), value) for value, label in items)


def menu_reply(turn: Turn, *, greeting: bool = False, lead: str = "") -> Reply:
    """The main menu as one reply, optionally after a greeting or a lead sentence."""
    text = turn.t.render("menu.j2", greeting=greeting, name=turn.user.display_name)
    if lead:
        text = f"{lead}\n\n{text}"
    return Reply(text, choices=menu_choices(turn))


async def ask_prompt(turn: Turn) -> list[Reply]:
    """Invite a free-text question about OCOP."""
    return [
        Reply(
            turn.t(
                "Type your question about OCOP, for example: “hồ sơ OCOP gồm những gì?” "
                "or “3 sao cần bao nhiêu điểm?”. Diacritics are optional."
            )
        )
    ]
