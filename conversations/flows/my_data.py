"""What we keep about a producer: showing it ("thông tin của tôi") and erasing it on request.

The erase flow has one state, "my_data:confirm".
"""

from __future__ import annotations

from conversations import producer_store
from conversations.flows.base import END, Flow, Go, Retry, Step
from conversations.flows.summaries import product_text, profile_text
from conversations.messages import Choice, Reply
from conversations.producers import Product
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {"confirm": (END,)}


def _product_form(product: Product) -> dict[str, object]:
    return {
        "product_name": product.name,
        "product_group": product.group_id,
        "product_set": product.set_id,
        "stage": product.stage,
        "stars": product.stars,
        "decision_number": product.decision_number,
        "decision_date": product.decision_date.isoformat() if product.decision_date else None,
    }


async def show_my_data(turn: Turn) -> list[Reply]:
    """Everything stored about the user's producer and products, with what can be done."""
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    if producer is None:
        text = turn.t("I keep no personal data about you: you have not registered.")
        return [
            Reply(text, choices=(Choice(turn.t("📝 Register as a producer"), "menu:register"),))
        ]
    blocks = [
        profile_text(
            turn,
            producer_store.profile_form(producer),
            title=turn.t("This is what I keep about you:"),
        )
    ]
    for product in await producer_store.products_of(turn.session, producer.id):
        blocks.append(product_text(turn, _product_form(product)))
    choices = (
        Choice(turn.t("✏️ Edit my profile"), "producer:edit"),
        Choice(turn.t("➕ Add a product"), "producer:add_product"),
        Choice(turn.t("🗑️ Delete my data"), "producer:erase"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return [Reply("\n\n".join(blocks), choices=choices)]


async def ask_confirm(turn: Turn) -> list[Reply]:
    """Asks to confirm erasing the personal data."""
    text = turn.t(
        "Delete your personal data? Your name, phone, producer name, commune, product names and "
        "the files you sent will be erased. Anonymous counts stay for statistics. This cannot be "
        "undone."
    )
    choices = (Choice(turn.t("🗑️ Yes, delete"), "erase"), Choice(turn.t("Keep my data"), "keep"))
    return [Reply(text, choices=choices)]


async def on_confirm(turn: Turn, answer: Answer) -> Go | Retry:
    """Erases the data on yes; keeps everything on no."""
    if answer.choice == "keep":
        return Go(END, (Reply(turn.t("Nothing was deleted.")),))
    if answer.choice != "erase":
        return Retry(turn.t("Please choose one of the options (type its number)."))
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    if producer is not None:
        await producer_store.erase(turn.session, producer, turn.now)
    turn.conv.data.pop("paused", None)
    turn.user.display_name = ""
    return Go(END, (Reply(turn.t("Your personal data has been deleted.")),))


FLOW = Flow(
    name="my_data",
    steps=(Step("confirm", ask_confirm, on_confirm),),
    transitions=TRANSITIONS,
)
