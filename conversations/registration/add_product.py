"""Adding another product for a registered producer: the product questions, a summary, save.

States are "add_product:<step>".
"""

from __future__ import annotations

from conversations.flow import END, Flow, Go, Retry, Step, reopen
from conversations.messages import Choice, Reply
from conversations.registration import producer_store
from conversations.registration import product_steps as pr
from conversations.registration.summaries import product_text
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "product_name": ("product_group",),
    "product_group": ("product_set", "stage"),
    "product_set": ("stage",),
    "stage": ("summary", "stars"),
    "stars": ("decision_number",),
    "decision_number": ("decision_date",),
    "decision_date": ("valid_until",),
    "valid_until": ("summary",),
    "summary": (END, "product_name", "product_group", "stage"),
}


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows the new product, to save or edit."""
    text = turn.t("Please check the product:") + "\n\n" + product_text(turn, turn.form)
    return [Reply(text, choices=(Choice(turn.t("✅ Save"), "save"), *pr.edit_choices(turn)))]


async def on_summary(turn: Turn, answer: Answer) -> Go | Retry:
    """Saves the product, or reopens one of its questions."""
    if answer.choice == "save":
        producer = await producer_store.producer_of(turn.session, turn.user.id)
        if producer is None:
            return Go(END, (Reply(turn.t("You are not registered yet.")),))
        product = await producer_store.add_product(turn.session, producer, turn.form, turn.now)
        text = turn.t("Saved “{product}”.", product=product.name)
        choices = (Choice(turn.t("📂 Start my dossier"), "menu:dossier"),)
        return Go(END, (Reply(text, choices=choices),))
    return reopen(turn, answer.choice, TRANSITIONS["summary"][1:])


FLOW = Flow(
    name="add_product",
    steps=(
        *pr.PRODUCT_STEPS,
        Step("summary", ask_summary, on_summary),
    ),
    transitions=TRANSITIONS,
)
