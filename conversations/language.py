"""Choosing the language: Tiếng Việt or English, remembered for the user."""

from __future__ import annotations

from conversations.flow import END, Flow, Go, Retry, Step
from conversations.messages import Choice, Reply
from conversations.turn import Answer, Turn

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "choose": (END,),
}


async def ask_choose(turn: Turn) -> list[Reply]:
    """Asks which language to use."""
    return [
        Reply(
            turn.t("Which language would you like? / Anh/chị muốn dùng ngôn ngữ nào?"),
            choices=(Choice("Tiếng Việt", "vi"), Choice("English", "en")),
        )
    ]


async def on_choose(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the chosen language and confirms in it."""
    if answer.choice not in ("vi", "en"):
        return Retry(turn.t("Please choose one of the two languages."))
    turn.switch_locale(answer.choice)
    return Go(END, (Reply(turn.t("Done: I will speak English from now on.")),))


FLOW = Flow(
    name="language",
    steps=(Step("choose", ask_choose, on_choose),),
    transitions=TRANSITIONS,
)
