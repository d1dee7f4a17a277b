"""What the quiz shows: a question as a poll with buttons, feedback, scores, reports, boards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.i18n import Texts
from conversations.messages import Choice, Poll, Reply
from conversations.quiz.courses import CourseReport
from conversations.quiz.tables import Course
from conversations.turn import Turn
from knowledge.quiz import MAX_QUESTION, QuizBank, QuizQuestion

ANSWER_PREFIX = "q"
"""Answer values are "q:<question id>:<option index>", so a late answer names its question."""
DONE = "done"
"""The last part of the value that submits the options ticked on a "select all" question."""
SHORT = 70
"""Characters of a question shown in an officer's list of hardest questions."""


def quiz_bank(turn: Turn) -> QuizBank | None:
    """The loaded quiz bank, or None when the process runs without knowledge."""
    knowledge = turn.services.knowledge
    return knowledge.quiz if knowledge is not None else None


def answer_value(question_id: str, option: int | str) -> str:
    """The choice value of one option (or of "done") of one question."""
    return f"{ANSWER_PREFIX}:{question_id}:{option}"


def parse_answer(value: str | None) -> tuple[str, str] | None:
    """(question id, option index or "done") from an answer value; None for anything else."""
    prefix, _, rest = (value or "").partition(":")
    question_id, _, option = rest.rpartition(":")
    if prefix != ANSWER_PREFIX or not question_id or not (option.isdigit() or option == DONE):
        return None
    return question_id, option


def question_reply(
    t: Texts, question: QuizQuestion, number: int, total: int, ticked: Sequence[int] = ()
) -> Reply:
    """One answer: a native quiz poll where possible, and numbered buttons anywhere.

    A "select all that apply" question has no poll (a quiz poll takes one answer): its buttons
    tick options, a last one submits them, and typing the numbers ("1 3") answers at once.
    """
    lang = t.locale
    text = question.question[lang]
    numbered = f"({number}/{total}) {text}"
    if len(numbered) <= MAX_QUESTION:
        text = numbered
    options = question.options[lang]
    if not question.multiple:
        choices = tuple(Choice(o, answer_value(question.id, i)) for i, o in enumerate(options))
        poll = Poll(text, options, question.correct, question.explain_short[lang])
        return Reply(text, choices=choices, poll=poll)
    boxes = tuple(
        Choice(f"{'☑' if i in ticked else '☐'} {o}", answer_value(question.id, i))
        for i, o in enumerate(options)
    )
    done = Choice(t("✔️ Done"), answer_value(question.id, DONE))
    hint = t("Tap every right answer, then “✔️ Done” — or type their numbers, e.g. 1 3.")
    return Reply(f"{text}\n{hint}", choices=(*boxes, done))


def feedback_reply(t: Texts, question: QuizQuestion, chosen: Sequence[int]) -> Reply:
    """Right or wrong, the right answer(s), the explanation, the source and any hedge."""
    lang = t.locale
    options = question.options[lang]
    right = [options[i] for i in question.correct]
    answer = "\n• ".join(["", *right]) if question.multiple else right[0]
    if question.is_right(chosen):
        head = t("✅ Right: {answer}", answer=answer)
    else:
        head = t("❌ Not quite. The right answer: {answer}", answer=answer)
    lines = [head, question.explain[lang], t("📖 Source: {source}", source=question.source)]
    if question.hedge:
        lines.append(f"⚠️ {question.hedge[lang]}")
    return Reply("\n\n".join(lines))


def result_text(
    t: Texts,
    bank: QuizBank,
    answers: Sequence[tuple[str, bool]],
    next_due: datetime | None,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    """The score, the topics to work on, and when the next review is due."""
    right = sum(1 for _, ok in answers if ok)
    total = len(answers)
    percent = round(100 * right / total) if total else 0
    lines = [
        t(
            "🏁 Done! Your score: {right}/{total} ({percent}%).",
            right=right,
            total=total,
            percent=percent,
        )
    ]
    missed: dict[str, int] = {}
    for question_id, ok in answers:
        question = bank.get(question_id)
        if question is not None and not ok:
            missed[question.topic] = missed.get(question.topic, 0) + 1
    if missed:
        weakest = sorted(missed, key=lambda topic: -missed[topic])[:3]
        names = ", ".join(topic_title(t, bank, topic) for topic in weakest)
        lines.append(t("To work on: {topics}.", topics=names))
    elif total:
        lines.append(t("Every answer right. 🎉"))
    if next_due is not None and next_due <= now:
        lines.append(t("Some questions are due for review now: try “🔁 Review”."))
    elif next_due is not None:
        when = t.date(next_due.astimezone(zone))
        lines.append(t("Your next review is due on {date}.", date=when))
    return "\n".join(lines)


def topic_title(t: Texts, bank: QuizBank, topic_id: str) -> str:
    """A topic's title in the user's language (its id when unknown)."""
    topic = bank.topic(topic_id)
    return topic.title[t.locale] if topic else topic_id


def course_line(t: Texts, course: Course, zone: ZoneInfo) -> str:
    """The course with its join code and how long the code works."""
    return t(
        "Course “{name}” — join code {code} (valid until {date}).",
        name=course.name,
        code=course.code,
        date=t.date(course.expires_at.astimezone(zone)),
    )


def report_text(t: Texts, report: CourseReport, bank: QuizBank | None, zone: ZoneInfo) -> str:
    """Participation, average score and the hardest questions of one course."""
    lines = [
        f"📊 {course_line(t, report.course, zone)}",
        t("Trainees who joined: {n}", n=t.number(report.members)),
        t("Took the quiz: {n}", n=t.number(report.participants)),
        t(
            "Answers: {n} ({right} right)",
            n=t.number(report.answers),
            right=t.number(report.correct),
        ),
        t("Average score: {percent}%", percent=round(report.average)),
    ]
    if report.hardest:
        lines.append(t("Hardest questions:"))
    for question_id, asked, right in report.hardest:
        question = bank.get(question_id) if bank else None
        text = question.question[t.locale] if question else question_id
        if len(text) > SHORT:
            text = text[: SHORT - 1].rstrip() + "…"
        lines.append(
            t("• {right}/{asked} right — {question}", right=right, asked=asked, question=text)
        )
    return "\n".join(lines)


def leaderboard_text(
    t: Texts,
    course: Course,
    board: Sequence[tuple[int, str, int]],
    viewer: int | None,
    opted_in: bool,
) -> str:
    """The opted-in members of a course by right answers, given names only."""
    lines = [t("🏆 Leaderboard — {name}", name=course.name)]
    for rank, (user_id, name, score) in enumerate(board[:10], start=1):
        mark = " ⬅️" if user_id == viewer else ""
        shown = name or t("Trainee")
        lines.append(t("{rank}. {name} — {score} right", rank=rank, name=shown, score=score) + mark)
    if not board:
        lines.append(t("Nobody is on the leaderboard yet."))
    if not opted_in:
        lines.append(t("You are not on it: turn it on in “⚙️ Quiz settings”."))
    return "\n".join(lines)
