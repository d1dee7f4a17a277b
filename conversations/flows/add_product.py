"""Adding another product for a registered producer: the product questions, a summary, save.

States are "add_product:<step>".
"""

from __future__ import annotations

from conversations import producer_store
from conversations.flows import product_steps as pr
from conversations.flows.base import END, Flow, Go, Retry, Step
from conversations.flows.summaries import product_text
from conversations.messages import Choice, Reply
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "product_name": ("product_group",),
    "product_group": ("product_set", "stage"),
    "product_set": ("stage",),
    "stage": ("summary", "stars"),
    "stars": ("decision_number",),
    "decision_number": ("decision_date",),
    "decision_date": ("summary",),
    "summary": (END, "product_name", "product_group", "stage"),
}


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows the new product, to save or edit."""
    text = turn.t("Please check the product:") + "\n\n" + product_text(turn, turn.form)
    choices = (
        Choice(turn.t("✅ Save"), "save"),
        Choice("✏️ " + turn.t("Product"), "field:product_name"),
        Choice("✏️ " + turn.t("Group and set"), "field:product_group"),
        Choice("✏️ " + turn.t("Stage and stars"), "field:stage"),
    )
    return [Reply(text, choices=choices)]


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
    field = (answer.choice or "").removeprefix("field:")
    if field not in TRANSITIONS["summary"][1:]:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    return Go(field, return_to="summary")


FLOW = Flow(
    name="add_product",
    steps=(
        *pr.PRODUCT_STEPS,
        Step("summary", ask_summary, on_summary),
    ),
    transitions=TRANSITIONS,
)
