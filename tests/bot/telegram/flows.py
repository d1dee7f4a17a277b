"""Tiny flows for the Telegram tests: a quiz poll, a shared contact, an echo of free text."""

from __future__ import annotations

from conversations.flow import END, Flow, Go, Retry, Step
from conversations.messages import Choice, Poll, Reply
from conversations.router import Router
from conversations.turn import Answer, Turn

CAPITALS = (Choice("Hà Nội", "quiz:hn"), Choice("Huế", "quiz:hue"), Choice("Sài Gòn", "quiz:sg"))
QUESTION = "Thủ đô của Việt Nam?"


async def ask_question(turn: Turn) -> list[Reply]:
    """Asks the quiz question as a poll, with the same options as buttons."""
    poll = Poll(
        question=QUESTION,
        options=tuple(c.label for c in CAPITALS),
        correct=(0,),
        explanation="Hà Nội là thủ đô từ năm 1010.",
    )
    return [Reply(QUESTION, choices=CAPITALS, poll=poll)]


async def on_question(turn: Turn, answer: Answer) -> Go | Retry:
    """Says which option was chosen."""
    if answer.choice not in {c.value for c in CAPITALS}:
        return Retry("Pick an option.")
    return Go(END, (Reply(f"quiz answer: {answer.choice}"),))


QUIZ = Flow(
    name="quiz",
    steps=(Step("question", ask_question, on_question),),
    transitions={"question": (END,)},
)


async def ask_phone(turn: Turn) -> list[Reply]:
    """Asks for the phone number through the contact button, or a skip."""
    return [
        Reply("Share your phone", request_contact="📱 Share", choices=(Choice("Skip", "skip"),))
    ]


async def on_phone(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the shared phone number."""
    if answer.contact is not None:
        return Go(END, (Reply(f"phone: {answer.contact.phone} ({answer.contact.name})"),))
    if answer.choice == "skip":
        return Go(END, (Reply("skipped"),))
    return Retry("Use the button.")


PHONE = Flow(
    name="phone",
    steps=(Step("phone", ask_phone, on_phone),),
    transitions={"phone": (END,)},
)


def flows_router() -> Router:
    """Free text is echoed; "start:quiz" / "start:phone" start the flows; "menu:*" is echoed."""
    router: Router

    async def on_start(turn: Turn, value: str) -> list[Reply]:
        return await router.start(turn, value.split(":", 1)[1])

    async def on_menu(turn: Turn, value: str) -> list[Reply]:
        return [Reply(f"menu item: {value}")]

    async def on_text(turn: Turn, text: str) -> list[Reply]:
        if text == "start quiz":
            return await router.start(turn, "quiz")
        if text == "start phone":
            return await router.start(turn, "phone")
        return [Reply(f"echo: {text}")]

    router = Router(
        flows={f.name: f for f in (QUIZ, PHONE)},
        actions={"start": on_start, "menu": on_menu},
        free_text=on_text,
    )
    return router
