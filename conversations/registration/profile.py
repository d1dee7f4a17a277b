"""Editing a registered producer's profile: pick a field, answer it again, save.

States are "profile:<step>". The flow starts at its summary with the stored profile loaded.
"""

from __future__ import annotations

from conversations.flow import END, Flow, Go, Retry, Step, reopen
from conversations.messages import Choice, Reply
from conversations.registration import producer_store
from conversations.registration import profile_steps as pf
from conversations.registration.register import EDITABLE
from conversations.registration.summaries import profile_text
from conversations.turn import Answer, Turn

FIELDS = ("representative", "producer_name", "entity_type", "phone", "province", "commune")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "summary": (
        END,
        "representative",
        "producer_name",
        "entity_type",
        "phone",
        "province",
        "commune",
    ),
    "representative": ("summary",),
    "producer_name": ("summary",),
    "entity_type": ("summary", "unregistered_info"),
    "unregistered_info": ("summary",),
    "phone": ("summary",),
    "province": ("summary",),
    "commune": ("summary", "commune_pick"),
    "commune_pick": ("summary", "commune_pick"),
}


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows the profile with a choice per field to edit, or to save."""
    text = profile_text(turn, turn.form, title=turn.t("Your profile:"))
    labels = dict(EDITABLE)
    choices = [Choice(turn.t("✅ Save and finish"), "save")]
    choices += [Choice("✏️ " + turn.t(labels[f]), f"field:{f}") for f in FIELDS]
    return [Reply(text, choices=tuple(choices))]


async def on_summary(turn: Turn, answer: Answer) -> Go | Retry:
    """Saves the profile, or opens one field's question."""
    if answer.choice == "save":
        producer = await producer_store.producer_of(turn.session, turn.user.id)
        if producer is None:
            return Go(END, (Reply(turn.t("You are not registered yet.")),))
        await producer_store.update_profile(turn.session, producer, turn.form, turn.now)
        return Go(END, (Reply(turn.t("Your profile is saved.")),))
    return reopen(turn, answer.choice, FIELDS)


FLOW = Flow(
    name="profile",
    steps=(
        Step("summary", ask_summary, on_summary),
        *pf.PROFILE_STEPS,
    ),
    transitions=TRANSITIONS,
)
