"""What we keep about a producer: showing it ("thông tin của tôi") and erasing it on request.

The erase flow has one state, "my_data:confirm".
"""

from __future__ import annotations

import re

from conversations.flow import END, Flow, Go, Retry, Step
from conversations.messages import Choice, Reply
from conversations.registration import producer_store
from conversations.registration.summaries import product_text, profile_text
from conversations.turn import Answer, Turn
from knowledge.folding import fold

TRANSITIONS: dict[str, tuple[str, ...]] = {"confirm": (END,)}


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
        blocks.append(product_text(turn, producer_store.product_form(product)))
    choices = (
        Choice(turn.t("✏️ Edit my profile"), "producer:edit"),
        Choice(turn.t("✏️ Edit a product"), "producer:edit_product"),
        Choice(turn.t("➕ Add a product"), "producer:add_product"),
        Choice(turn.t("🗑️ Delete my data"), "producer:erase"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return [Reply("\n\n".join(blocks), choices=choices)]


ERASE_WORDS = frozenset(
    {"xoa", "xoa di", "co xoa", "xoa du lieu", "xoa du lieu cua toi", "delete", "yes delete"}
)
"""Folded words that confirm erasing when typed; a number alone never does."""
_PUNCTUATION = re.compile(r"[^\w\s]")


def _erase_label(turn: Turn) -> str:
    return turn.t("🗑️ Delete (xóa)")


def confirms_erasing(turn: Turn, answer: Answer) -> bool:
    """True for a tap on this message's delete button, or the word "xóa" typed (a channel that
    sends taps as text sends the button's label, which says "xóa" too); never for a number."""
    if answer.choice == "erase" and not answer.text:
        return True  # a tap on the button of the confirmation now on offer
    typed = " ".join(_PUNCTUATION.sub(" ", fold(answer.text)).split())
    return typed in ERASE_WORDS or typed == " ".join(
        _PUNCTUATION.sub(" ", fold(_erase_label(turn))).split()
    )


async def ask_confirm(turn: Turn) -> list[Reply]:
    """Asks to confirm erasing the personal data by typing "xóa" or tapping the button."""
    text = turn.t(
        "Delete your personal data? Your name, phone, producer name, commune, product names and "
        "the files you sent will be erased. Anonymous counts stay for statistics. This cannot be "
        "undone."
    )
    text += "\n\n" + turn.t("To delete, type “xóa” or tap the button below.")
    choices = (Choice(_erase_label(turn), "erase"), Choice(turn.t("Keep my data"), "keep"))
    return [Reply(text, choices=choices)]


async def on_confirm(turn: Turn, answer: Answer) -> Go | Retry:
    """Erases the data only on "xóa" typed or the button tapped; otherwise nothing changes."""
    if answer.choice == "keep":
        return Go(END, (Reply(turn.t("Nothing was deleted.")),))
    if not confirms_erasing(turn, answer):
        return Retry(
            turn.t(
                "Nothing was deleted. To delete your data, type the word “xóa”; "
                "to keep it, tap “Keep my data”."
            )
        )
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
