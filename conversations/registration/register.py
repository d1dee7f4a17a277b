"""Registration: consent, the producer's profile and a first product, a summary, then save.

States are "registration:<step>". Every step can be left with "hủy", undone with "quay lại",
and resumed after a restart; the summary lets any field be edited before saving.
"""

from __future__ import annotations

from conversations.flow import END, Flow, Go, Retry, Step, reopen
from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.registration import producer_store
from conversations.registration import product_steps as pr
from conversations.registration import profile_steps as pf
from conversations.registration.summaries import product_text, profile_text
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "consent": ("representative", END),
    "representative": ("producer_name",),
    "producer_name": ("entity_type",),
    "entity_type": ("phone", "unregistered_info"),
    "unregistered_info": ("phone",),
    "phone": ("province",),
    "province": ("commune",),
    "commune": ("product_name", "commune_pick"),
    "commune_pick": ("product_name", "commune_pick"),
    "product_name": ("product_group",),
    "product_group": ("product_set", "stage"),
    "product_set": ("stage",),
    "stage": ("summary", "stars"),
    "stars": ("decision_number",),
    "decision_number": ("decision_date",),
    "decision_date": ("valid_until",),
    "valid_until": ("summary",),
    "summary": (END, "edit_pick"),
    "edit_pick": (
        "summary",
        "representative",
        "producer_name",
        "entity_type",
        "phone",
        "province",
        "commune",
        "product_name",
        "product_group",
        "stage",
    ),
}

EDITABLE: tuple[tuple[str, str], ...] = (
    ("representative", N_("Representative")),
    ("producer_name", N_("Producer")),
    ("entity_type", N_("Type")),
    ("phone", N_("Phone")),
    ("province", N_("Province")),
    ("commune", N_("Commune / ward")),
    ("product_name", N_("Product")),
    ("product_group", N_("Group and set")),
    ("stage", N_("Stage and stars")),
)


async def ask_consent(turn: Turn) -> list[Reply]:
    """Explains what is stored, why and how to delete it, and asks for consent."""
    text = turn.t(
        "To help with your OCOP dossier I will store: the representative's name, the producer's "
        "name and type, a phone number, the commune, and your products. Only OCOP officers of "
        "the province see them, to support you. You can see them any time (“thông tin của tôi”) "
        "and delete them (“xóa dữ liệu của tôi”). Do you agree?"
    )
    choices = (Choice(turn.t("✅ I agree"), "yes"), Choice(turn.t("❌ No, thanks"), "no"))
    return [Reply(text, choices=choices)]


async def on_consent(turn: Turn, answer: Answer) -> Go | Retry:
    """Starts the questions on yes; on no, stores nothing and ends."""
    if answer.choice == "yes":
        turn.form["consent"] = True
        return Go("representative")
    if answer.choice == "no":
        text = turn.t("No problem: nothing was stored. You can still ask me anything about OCOP.")
        return Go(END, (Reply(text),))
    return Retry(turn.t("Please answer “I agree” or “No, thanks”."))


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows everything entered, to save or edit."""
    text = "\n\n".join(
        [
            turn.t("Please check your information:"),
            profile_text(turn, turn.form),
            product_text(turn, turn.form),
        ]
    )
    choices = (
        Choice(turn.t("✅ Save"), "save"),
        Choice(turn.t("✏️ Edit something"), "edit"),
    )
    return [Reply(text, choices=choices)]


async def on_summary(turn: Turn, answer: Answer) -> Go | Retry:
    """Saves the registration, or opens the list of fields to edit."""
    if answer.choice == "edit":
        return Go("edit_pick")
    if answer.choice != "save":
        return Retry(turn.t("Tap “Save”, or “Edit something” to change a field."))
    producer, product, linked = await producer_store.register(
        turn.session, turn.user.id or 0, turn.form, turn.now
    )
    lead = turn.t("Saved! Welcome to the OCOP assistant, {name}.", name=producer.representative)
    if linked:
        lead += "\n" + turn.t("I found your producer in the province's list and linked it.")
    text = (
        lead
        + "\n\n"
        + turn.t(
            "Next: let's go through the dossier for “{product}” one item at a time.",
            product=product.name,
        )
    )
    choices = (
        Choice(turn.t("📂 Start my dossier"), "menu:dossier"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return Go(END, (Reply(text, choices=choices),))


async def ask_edit_pick(turn: Turn) -> list[Reply]:
    """Asks which field to change."""
    choices = tuple(Choice(turn.t(label), f"field:{step}") for step, label in EDITABLE)
    back = Choice(turn.t("↩️ Back to the summary"), "field:summary")
    return [Reply(turn.t("What would you like to change?"), choices=(*choices, back))]


async def on_edit_pick(turn: Turn, answer: Answer) -> Go | Retry:
    """Opens the chosen field's question; afterwards the summary comes back."""
    if answer.choice == "field:summary":
        return Go("summary")
    return reopen(turn, answer.choice, tuple(dict(EDITABLE)))


FLOW = Flow(
    name="registration",
    steps=(
        Step("consent", ask_consent, on_consent),
        *pf.PROFILE_STEPS,
        *pr.PRODUCT_STEPS,
        Step("summary", ask_summary, on_summary),
        Step("edit_pick", ask_edit_pick, on_edit_pick),
    ),
    transitions=TRANSITIONS,
)
