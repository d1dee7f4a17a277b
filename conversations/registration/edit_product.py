"""Editing a saved product: its name, group and set, stage and certificate, then save.

States are "edit_product:<step>". The flow starts at the summary with the stored product
loaded (or first asks which product, when there are several).
"""

from __future__ import annotations

from typing import Any

from conversations.flow import END, Flow, Go, Retry, Step, reopen
from conversations.messages import Choice, Reply
from conversations.registration import producer_store
from conversations.registration import product_steps as pr
from conversations.registration.summaries import product_text
from conversations.registration.tables import Product
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pick_product": ("summary",),
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


def opening(products: list[Product]) -> tuple[dict[str, Any], str]:
    """The form and first step for editing: the one product's summary, else the choice."""
    if len(products) == 1:
        return producer_store.product_form(products[0]), "summary"
    return {}, "pick_product"


async def ask_pick_product(turn: Turn) -> list[Reply]:
    """Asks which of the producer's products to edit."""
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    products = await producer_store.products_of(turn.session, producer.id if producer else None)
    choices = tuple(Choice(p.name, f"product:{p.id}") for p in products)
    return [Reply(turn.t("Which product would you like to edit?"), choices=choices)]


async def on_pick_product(turn: Turn, answer: Answer) -> Go | Retry:
    """Loads the chosen product into the form and shows its summary."""
    value = answer.choice or ""
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    products = await producer_store.products_of(turn.session, producer.id if producer else None)
    chosen = next((p for p in products if value == f"product:{p.id}"), None)
    if chosen is None:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    turn.conv.data["form"] = producer_store.product_form(chosen)
    return Go("summary")


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows the product with a choice per part to edit, or to save."""
    text = turn.t("Your product:") + "\n\n" + product_text(turn, turn.form)
    save = Choice(turn.t("✅ Save and finish"), "save")
    return [Reply(text, choices=(save, *pr.edit_choices(turn)))]


async def on_summary(turn: Turn, answer: Answer) -> Go | Retry:
    """Saves the product, or reopens one of its questions."""
    if answer.choice == "save":
        producer = await producer_store.producer_of(turn.session, turn.user.id)
        saved = None
        if producer is not None:
            saved = await producer_store.update_product(turn.session, producer, turn.form, turn.now)
        if saved is None:
            return Go(END, (Reply(turn.t("I can't find that product any more.")),))
        return Go(END, (Reply(turn.t("Saved “{product}”.", product=saved.name)),))
    return reopen(turn, answer.choice, TRANSITIONS["summary"][1:])


FLOW = Flow(
    name="edit_product",
    steps=(
        Step("pick_product", ask_pick_product, on_pick_product),
        *pr.PRODUCT_STEPS,
        Step("summary", ask_summary, on_summary),
    ),
    transitions=TRANSITIONS,
)
