"""The main menu: every capability of the product, reachable from anywhere by "menu"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.officers.roles import is_officer
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


TOP_QUESTIONS: tuple[str, ...] = (
    "org-what-is-ocop",
    "producers-who-eligible",
    "dossier-contents-first",
    "process-where-submit",
    "stars-3-star",
    "cert-validity",
    "cycle-timing",
    "support-benefits",
)
"""FAQ entries producers ask most (from the issue 16 walk-through and the officers' list),
shown as buttons when they open "Ask about OCOP"; missing or outdated ones are left out."""


async def ask_prompt(turn: Turn) -> list[Reply]:
    """Invite a free-text question about OCOP, with the most asked questions as buttons."""
    text = turn.t(
        "Type your question about OCOP, for example: “hồ sơ OCOP gồm những gì?” "
        "or “3 sao cần bao nhiêu điểm?”. Diacritics are optional."
    )
    index = turn.services.faq
    entries = [index.get(entry_id) for entry_id in TOP_QUESTIONS] if index else []
    lang = turn.t.locale
    choices = tuple(
        Choice("❓ " + e.question[lang], f"faq:show:{e.id}")
        for e in entries
        if e is not None and not e.outdated
    )
    if choices:
        text += "\n\n" + turn.t("Or tap one of the questions asked most:")
    return [Reply(text, choices=choices)]
