"""The material buttons in chat: show the whole passage an answer was quoted from."""

from __future__ import annotations

from conversations.material.store import served_passage
from conversations.menu import menu_choices
from conversations.messages import Choice, Reply
from conversations.turn import Turn


async def on_material(turn: Turn, value: str) -> list[Reply]:
    """`mat:show:<passage id>`: the passage in full, its page, and the officer offer."""
    _, action, raw = [*value.split(":", 2), "", ""][:3]
    found = await served_passage(turn.session, int(raw)) if raw.isdigit() else None
    if action != "show" or found is None:
        return [Reply(turn.t("That passage is no longer in the training material."),
                      choices=menu_choices(turn))]
    passage, document = found
    parts = [passage.heading] if passage.heading else []
    parts.append(passage.text)
    parts.append(turn.t("📄 From «{title}», page {page}", title=document.title, page=passage.page))
    choices = (
        Choice(turn.t("📨 Send it to an officer"), "faq:escalate"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return [Reply("\n\n".join(parts), choices=choices)]
