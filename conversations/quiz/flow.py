"""The self-quiz: pick what to practise, answer up to 10 questions with feedback, see the score.

States are "quiz:<step>". The form holds the questions of the run, the index of the current one
and the answers so far; every answer is stored and rescheduled (FSRS) as soon as it is given,
so leaving or a restart loses nothing and the run resumes at the same question.
"""

from __future__ import annotations

import re
from typing import Any

from conversations.flow import END, Flow, Go, Retry, Step
from conversations.messages import Choice, Reply
from conversations.quiz import course_chat, courses
from conversations.quiz import store as quiz_store
from conversations.quiz.replies import (
    DONE,
    feedback_reply,
    leaderboard_text,
    parse_answer,
    question_reply,
    quiz_bank,
    result_text,
    topic_title,
)
from conversations.quiz.runs import current_question, member_course, run_form
from conversations.turn import Answer, Turn
from knowledge.quiz import QuizQuestion

COURSES_SHOWN = 1
"""Joined courses offered as buttons, latest first (Zalo shows 5 buttons at most)."""
_NUMBERS = re.compile(r"^\s*\d{1,2}(?:\s*(?:[,;&+]|va|và|and)?\s*\d{1,2})*\s*$")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pick": ("question", "topic", "settings", "pick"),
    "topic": ("question", "pick"),
    "question": ("question", "result"),
    "result": ("pick", "board", "settings", END),
    "board": ("pick", "board", "settings", END),
    "settings": ("settings", "pick"),
}


def _begin(turn: Turn, form: dict[str, Any] | str) -> Go | Retry:
    if isinstance(form, str):
        return Retry(form)
    turn.form.clear()
    turn.form.update(form)
    return Go("question")


async def ask_pick(turn: Turn) -> list[Reply]:
    """Asks what to practise: due reviews, a joined course, a topic, or everything mixed."""
    user_id = turn.user.id or 0
    due = await quiz_store.due_count(turn.session, user_id, turn.now)
    joined = await courses.courses_of(turn.session, user_id)
    lines = [turn.t("🧠 Self-quiz: short questions, each explained after you answer.")]
    if due:
        lines.append(turn.t("Questions due for review: {n}.", n=due))
    lines.append(turn.t("To join a course, type “khoa” and its code, e.g. khoa K7QW3P."))
    lines.append(turn.t("What would you like to practise?"))
    # Nothing due (a new trainee): a quiz comes first, not an empty "review (0 due)".
    review = (Choice(turn.t("🔁 Review ({n} due)", n=due), "review"),) if due else ()
    choices = (
        *review,
        *(Choice(f"🎓 {c.name}", f"course:{c.id}") for c in joined[:COURSES_SHOWN]),
        *(() if due else (Choice(turn.t("🎲 All topics mixed"), "mixed"),)),
        Choice(turn.t("📚 Choose a topic"), "topics"),
        *((Choice(turn.t("🎲 All topics mixed"), "mixed"),) if due else ()),
        Choice(turn.t("⚙️ Quiz settings"), "settings"),
    )
    return [Reply("\n".join(lines), choices=choices)]


async def on_pick(turn: Turn, answer: Answer) -> Go | Retry:
    """Starts the chosen run, opens the topics or settings, or joins a course typed as a code."""
    code = course_chat.join_code(answer.text) if answer.choice is None else None
    if code is not None:
        text, _ = await course_chat.join(turn, code)
        return Go("pick", (Reply(text),))
    if answer.choice == "topics":
        return Go("topic")
    if answer.choice == "settings":
        return Go("settings")
    return _begin(turn, await run_form(turn, answer.choice or "?"))


async def ask_topic(turn: Turn) -> list[Reply]:
    """Asks which topic to practise, with the number of questions in each."""
    bank = quiz_bank(turn)
    back = Choice(turn.t("↩️ Back"), "back")
    if bank is None:
        return [
            Reply(
                turn.t("The quiz is not available right now. Please try again later."),
                choices=(back,),
            )
        ]
    choices = tuple(
        Choice(f"{topic_title(turn.t, bank, t.id)} ({len(bank.by_topic(t.id))})", f"topic:{t.id}")
        for t in bank.topics
        if bank.by_topic(t.id)
    )
    return [Reply(turn.t("Which topic?"), choices=(*choices, back))]


async def on_topic(turn: Turn, answer: Answer) -> Go | Retry:
    """Starts a run on the chosen topic, or goes back."""
    if answer.choice == "back":
        return Go("pick")
    if not (answer.choice or "").startswith("topic:"):
        return Retry(turn.t("Please choose one of the options (type its number)."))
    return _begin(turn, await run_form(turn, answer.choice or ""))


async def ask_question(turn: Turn) -> list[Reply]:
    """Asks the current question as a quiz poll whose options are also numbered buttons."""
    bank = quiz_bank(turn)
    while bank and current_question(turn.form) and not bank.get(current_question(turn.form)):
        turn.form["index"] += 1  # removed from the bank since the run began
    question_id = current_question(turn.form)
    question = bank.get(question_id) if bank and question_id else None
    if question is None:
        finish = Choice(turn.t("🏁 See my score"), "finish")
        return [Reply(turn.t("That was the last question."), choices=(finish,))]
    number, total = turn.form["index"] + 1, len(turn.form["questions"])
    return [question_reply(turn.t, question, number, total, turn.form.get("ticked", []))]


def _typed_numbers(text: str, count: int) -> list[int] | None:
    """Options typed as numbers ("1 3", "1, 3 và 4"), 0-based; None when not such a list."""
    if not _NUMBERS.match(text):
        return None
    chosen = [int(n) - 1 for n in re.findall(r"\d+", text)]
    return chosen if all(0 <= n < count for n in chosen) else None


def _chosen(turn: Turn, question: QuizQuestion, answer: Answer) -> list[int] | str | None:
    """The options answered; "ticked" when one was only ticked; None when unusable."""
    parsed = parse_answer(answer.choice)
    count = len(question.options["vi"])
    if parsed is None:
        return _typed_numbers(answer.text, count) if question.multiple else None
    question_id, option = parsed
    if question_id != question.id:
        return None
    ticked: list[int] = turn.form.setdefault("ticked", [])
    if option == DONE:
        return sorted(ticked) if ticked else None
    if int(option) >= count:
        return None
    if not question.multiple:
        return [int(option)]
    if int(option) in ticked:
        ticked.remove(int(option))
    else:
        ticked.append(int(option))
    return "ticked"


async def on_question(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the answer, reschedules the question, and shows the feedback before the next."""
    bank = quiz_bank(turn)
    question_id = current_question(turn.form)
    question = bank.get(question_id) if bank and question_id else None
    if answer.choice == "finish" or question is None:
        return Go("result")
    chosen = _chosen(turn, question, answer)
    if chosen == "ticked":
        return Go("question")
    if not isinstance(chosen, list):
        if question.multiple:
            return Retry(turn.t("Tick at least one answer, then tap “✔️ Done” (or type 1 3)."))
        return Retry(turn.t("Please choose one of the answers (type its number)."))
    user_id = turn.user.id or 0
    course_id = turn.form.get("course_id")
    await quiz_store.record_answer(turn.session, user_id, question, chosen, course_id, turn.now)
    turn.form["answers"].append([question.id, question.is_right(chosen)])
    turn.form["index"] += 1
    turn.form["ticked"] = []
    more = current_question(turn.form) is not None
    return Go("question" if more else "result", (feedback_reply(turn.t, question, chosen),))


async def ask_result(turn: Turn) -> list[Reply]:
    """Shows the score, the topics to work on and when the next review is due."""
    bank = quiz_bank(turn)
    if bank is None:
        return [Reply(turn.t("The quiz is not available right now. Please try again later."))]
    next_due = await quiz_store.next_due(turn.session, turn.user.id or 0)
    answers = [(q, bool(ok)) for q, ok in turn.form.get("answers", [])]
    text = result_text(turn.t, bank, answers, next_due, turn.now, turn.services.timezone)
    return [Reply(text, choices=_after_run(turn, board=bool(turn.form.get("course_id"))))]


def _after_run(turn: Turn, board: bool) -> tuple[Choice, ...]:
    return (
        Choice(turn.t("🧠 Another quiz"), "again"),
        *((Choice(turn.t("🏆 Leaderboard"), "board"),) if board else ()),
        Choice(turn.t("⚙️ Quiz settings"), "settings"),
        Choice(turn.t("🏠 Main menu"), "done"),
    )


async def on_result(turn: Turn, answer: Answer) -> Go | Retry:
    """Starts another quiz, shows the course leaderboard or the settings, or leaves."""
    targets = {"again": "pick", "settings": "settings", "done": END}
    if answer.choice in targets:
        return Go(targets[answer.choice or ""])
    if answer.choice == "board" and turn.form.get("course_id"):
        return Go("board")
    return Retry(turn.t("Please choose one of the options (type its number)."))


async def ask_board(turn: Turn) -> list[Reply]:
    """Shows the course's leaderboard: given names of members who opted in, best first."""
    course = await member_course(turn, turn.form.get("course_id") or 0)
    if course is None:
        return [Reply(turn.t("I can't find that course."), choices=_after_run(turn, False))]
    board = await courses.leaderboard(turn.session, course)
    learner = await quiz_store.learner(turn.session, turn.user.id or 0)
    text = leaderboard_text(turn.t, course, board, turn.user.id, learner.leaderboard)
    return [Reply(text, choices=_after_run(turn, board=False))]


def _state(turn: Turn, on: bool) -> str:
    return turn.t("on") if on else turn.t("off")


async def ask_settings(turn: Turn) -> list[Reply]:
    """Shows the review-reminder and leaderboard opt-ins, each switched by one tap."""
    learner = await quiz_store.learner(turn.session, turn.user.id or 0)
    text = turn.t(
        "Quiz settings:\n🔔 Review reminders: a message when questions are due.\n"
        "🏆 Leaderboard: your given name and number of right answers in your courses' ranking."
    )
    choices = (
        Choice(
            turn.t("🔔 Reminders: {state}", state=_state(turn, learner.review_reminders)), "remind"
        ),
        Choice(turn.t("🏆 Leaderboard: {state}", state=_state(turn, learner.leaderboard)), "board"),
        Choice(turn.t("↩️ Back"), "back"),
    )
    return [Reply(text, choices=choices)]


async def on_settings(turn: Turn, answer: Answer) -> Go | Retry:
    """Switches the chosen opt-in on or off, or goes back."""
    if answer.choice == "back":
        return Go("pick")
    learner = await quiz_store.learner(turn.session, turn.user.id or 0)
    if answer.choice == "remind":
        learner.review_reminders = not learner.review_reminders
        said = (
            turn.t("Review reminders on: I will tell you when questions are due.")
            if learner.review_reminders
            else turn.t("Review reminders off.")
        )
    elif answer.choice == "board":
        learner.leaderboard = not learner.leaderboard
        said = (
            turn.t("You are on your courses' leaderboards (given name only).")
            if learner.leaderboard
            else turn.t("You are no longer on the leaderboards.")
        )
    else:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    learner.updated_at = turn.now
    turn.session.add(learner)
    return Go("settings", (Reply(said),))


async def on_cancel(turn: Turn) -> str | None:
    """Stopping a run: every answer given is already kept; say so, with the score so far."""
    answers = turn.form.get("answers") or []
    if not answers:
        return None
    right = sum(1 for _, ok in answers if ok)
    return turn.t(
        "Quiz stopped. Your answers so far are kept: {right}/{total} right. "
        "The questions you missed will come back for review.",
        right=right,
        total=len(answers),
    )


FLOW = Flow(
    name="quiz",
    steps=(
        Step("pick", ask_pick, on_pick),
        Step("topic", ask_topic, on_topic),
        Step("question", ask_question, on_question, transient=True),
        Step("result", ask_result, on_result, transient=True),
        Step("board", ask_board, on_result, transient=True),
        Step("settings", ask_settings, on_settings),
    ),
    transitions=TRANSITIONS,
    on_cancel=on_cancel,
)
