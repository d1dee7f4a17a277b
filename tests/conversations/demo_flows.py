"""Small flows used only by the tests of the flow machinery and the engine."""

from __future__ import annotations

from conversations import flow as base
from conversations import language
from conversations.flow import END, Flow, Go, Retry, Step
from conversations.menu import menu_reply
from conversations.messages import Choice, Reply
from conversations.router import Router
from conversations.turn import Answer, Turn

DEMO_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "name": ("age",),
    "age": ("color",),
    "color": ("summary",),
    "summary": (END, "name", "age", "color"),
}


async def ask_name(turn: Turn) -> list[Reply]:
    """Asks for a name."""
    return [Reply("Your name?")]


async def on_name(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the name and asks the age."""
    if not answer.text.strip():
        return Retry("A name please.")
    turn.form["name"] = answer.text.strip()
    return Go("age")


async def ask_age(turn: Turn) -> list[Reply]:
    """Asks for an optional age."""
    return [Reply("Your age? (optional)")]


async def on_age(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the age and asks the colour."""
    if not answer.text.isdigit():
        return Retry("A number please.")
    turn.form["age"] = int(answer.text)
    return Go("color")


async def ask_color(turn: Turn) -> list[Reply]:
    """Asks for a colour from two choices."""
    return [Reply("Colour?", choices=(Choice("Đỏ", "red"), Choice("Xanh lá", "green")))]


async def on_color(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the colour and shows the summary."""
    if answer.choice not in ("red", "green"):
        return Retry("Pick a colour.")
    turn.form["color"] = answer.choice
    return Go("summary")


async def ask_summary(turn: Turn) -> list[Reply]:
    """Shows what was entered with edit choices."""
    f = turn.form
    text = f"name={f.get('name')} age={f.get('age')} color={f.get('color')}"
    choices = (
        Choice("Confirm", "ok"),
        Choice("Edit name", "edit:name"),
        Choice("Edit age", "edit:age"),
        Choice("Edit colour", "edit:color"),
    )
    return [Reply(text, choices=choices)]


async def on_summary(turn: Turn, answer: Answer) -> Go | Retry:
    """Confirms, or jumps to a field to edit."""
    if answer.choice == "ok":
        turn.conv.data["saved"] = dict(turn.form)
        return Go(END, (Reply("Saved."),))
    if answer.choice and answer.choice.startswith("edit:"):
        return Go(answer.choice[5:], return_to="summary")
    return Retry("Confirm or edit.")


DEMO = Flow(
    name="demo",
    steps=(
        Step("name", ask_name, on_name, field="name"),
        Step("age", ask_age, on_age, optional=True, field="age"),
        Step("color", ask_color, on_color, field="color"),
        Step("summary", ask_summary, on_summary),
    ),
    transitions=DEMO_TRANSITIONS,
)


async def ask_tick(turn: Turn) -> list[Reply]:
    """Shows the counter."""
    return [Reply(f"n={turn.form.get('n', 0)}")]


async def on_tick(turn: Turn, answer: Answer) -> Go | Retry:
    """Adds one to the counter for every message."""
    turn.form["n"] = turn.form.get("n", 0) + 1
    return Go("tick")


COUNT = Flow(
    name="count",
    steps=(Step("tick", ask_tick, on_tick),),
    transitions={"tick": ("tick", END)},
)


def demo_router() -> Router:
    """A router with the demo flows, started by the choices "start:demo" / "start:count"."""
    router: Router

    async def on_start(turn: Turn, value: str) -> list[Reply]:
        return await router.start(turn, value.split(":", 1)[1])

    async def on_text(turn: Turn, text: str) -> list[Reply]:
        reply = menu_reply(turn)
        extra = (Choice("Demo", "start:demo"), Choice("Count", "start:count"))
        return [Reply(reply.text, choices=reply.choices + extra)]

    router = Router(
        flows={f.name: f for f in (DEMO, COUNT, language.FLOW)},
        actions={"start": on_start},
        free_text=on_text,
    )
    return router


__all__ = ["COUNT", "DEMO", "base", "demo_router"]
