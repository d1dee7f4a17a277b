"""Ways into the quiz from outside it: the menu, typed words, course commands, late answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conversations import flow as base
from conversations.menu import menu_reply
from conversations.messages import Choice, Reply
from conversations.quiz import course_chat
from conversations.quiz import flow as quiz
from conversations.quiz import runs as quiz_runs
from conversations.quiz.replies import parse_answer, quiz_bank
from conversations.turn import Answer, Turn

if TYPE_CHECKING:
    from conversations.router import Router

QUIZ_PHRASES: dict[str, str] = {
    "on tap": "quiz:review",
    "review": "quiz:review",
    "tu kiem tra": "menu:quiz",
    "trac nghiem": "menu:quiz",
    "quiz": "menu:quiz",
    "self quiz": "menu:quiz",
}
"""Typed phrases (folded) that open the quiz anywhere idle, like `assistant.PHRASES`."""


async def open_quiz(router: Router, turn: Turn, value: str) -> list[Reply]:
    """ "menu:quiz" opens (or resumes) the quiz; "quiz:review", "quiz:course:<id>" start a run."""
    if quiz_bank(turn) is None:
        lead = turn.t("The quiz is not available right now. Please try again later.")
        return [menu_reply(turn, lead=lead)]
    if value == "menu:quiz":
        return await router.start(turn, quiz.FLOW.name)
    form = await quiz_runs.run_form(turn, value.removeprefix("quiz:"))
    if isinstance(form, str):
        return [Reply(form), *await router.start(turn, quiz.FLOW.name)]
    return await router.start(turn, quiz.FLOW.name, form=form, step="question")


async def on_command(turn: Turn, text: str) -> list[Reply] | None:
    """The answer to a typed course command ("khoa MÃ", "/taokhoa", "/baocao"); None if none."""
    found = course_chat.parse(text)
    return await course_chat.handle(turn, *found) if found else None


async def on_late_answer(router: Router, turn: Turn, value: str) -> list[Reply]:
    """An answer that is not on offer: taken when it answers the current question of the run
    (active or paused), else politely refused without changing anything."""
    parsed = parse_answer(value)
    active = turn.conv.state == quiz.FLOW.state("question")
    paused = turn.conv.data.get("paused", {}).get(quiz.FLOW.name) or {}
    if active:
        waiting = quiz_runs.current_question(turn.conv.data.get("form", {}))
    elif paused.get("step") == "question":
        waiting = quiz_runs.current_question(paused.get("form", {}))
    else:
        waiting = None
    again = tuple(Choice(label, v) for label, v in turn.conv.choices)
    if parsed is None or waiting != parsed[0]:
        text = turn.t("That question is already done, so this answer changes nothing.")
        return [Reply(text, choices=again)]
    # Resume the run at that very question; its buttons stay on offer if the answer is unusable.
    resumed = [] if active else await router.start(turn, quiz.FLOW.name)
    result = await base.advance(quiz.FLOW, turn, "question", Answer(choice=value))
    if isinstance(result, str):
        return [*resumed, Reply(result, choices=() if resumed else again)]
    return result
