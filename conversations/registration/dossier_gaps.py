"""What a dossier still lacks, grouped (legal papers needed before evaluation first) and shown
five at a time, as a phone screen allows."""

from __future__ import annotations

from conversations.i18n import N_
from conversations.registration import dossier_store
from conversations.turn import Turn
from knowledge.checklist import KINDS, ChecklistItem

PAGE = 5
"""Missing items shown at a time."""
STATUS_MARKS = {"have": "✅", "in_progress": "⏳", "dont_have": "❌", "skipped": "⏭️"}


def missing_items(items: list[ChecklistItem], state: dict[str, str]) -> list[ChecklistItem]:
    """Items not yet had: legal papers needed before evaluation first, then required, then
    point-earning ones."""
    missing = [i for i in items if state.get(i.id, "missing") not in dossier_store.DONE]
    return sorted(missing, key=lambda i: (not i.before_evaluation, KINDS.index(i.kind)))


GROUPS = {
    "before": N_("🔴 Required before evaluation (legal papers):"),
    "required": N_("📄 Required in the dossier:"),
    "evidence": N_("➕ Earns points:"),
}


def missing_page(
    turn: Turn, items: list[ChecklistItem], state: dict[str, str], start: int
) -> tuple[str, int | None]:
    """Missing items from `start`, at most five, under their group's heading; and where the
    next page starts (None when this is the last)."""
    missing = missing_items(items, state)
    if not missing:
        return turn.t("Nothing is missing: every item is marked as had. 🎉"), None
    start = min(max(start, 0), len(missing) - 1)
    page = missing[start : start + PAGE]
    lines = [
        turn.t(
            "Still missing: {n} items ({first}–{last} shown).",
            n=len(missing),
            first=start + 1,
            last=start + len(page),
        )
    ]
    heading = ""
    lang = turn.t.locale
    for item in page:
        group = "before" if item.before_evaluation else item.kind
        if group != heading:
            heading = group
            lines.append(turn.t(GROUPS[group]))
        mark = STATUS_MARKS.get(state.get(item.id, "missing"), "⬜")
        lines.append(f"{mark} {item.name[lang]}")
    following = start + PAGE
    return "\n".join(lines), following if following < len(missing) else None
