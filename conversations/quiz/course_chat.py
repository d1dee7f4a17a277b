"""Course commands typed in chat: "khoa MÃ" to join, officers' "/taokhoa TÊN" and "/baocao MÃ"."""

from __future__ import annotations

from conversations.messages import Choice, Reply
from conversations.officers.roles import is_officer
from conversations.quiz import courses
from conversations.quiz.replies import course_line, quiz_bank, report_text
from conversations.quiz.tables import Course
from conversations.turn import Turn
from knowledge.folding import fold

COMMANDS = {"/khoa": "join", "khoa": "join", "/taokhoa": "create", "/baocao": "report"}
"""Folded first word → command. Only the slash forms are officers' commands."""


def parse(text: str) -> tuple[str, str] | None:
    """(command, argument) of a typed course command; None for any other text.

    Bare "khoa" needs a code-shaped argument, so "khóa học" questions still reach the FAQ.
    """
    head, _, rest = text.strip().partition(" ")
    command = COMMANDS.get(fold(head).split("@", 1)[0])  # "/baocao@ocop_bot" in groups
    argument = rest.strip()
    if command is None:
        return None
    if not head.startswith("/") and not _code_shaped(argument):
        return None
    return command, argument


def _code_shaped(text: str) -> bool:
    code = courses.clean_code(text)
    return len(code) == courses.CODE_LENGTH and code.isalnum() and code.isascii()


def join_code(text: str) -> str | None:
    """The code in a typed "khoa MÃ" / "/khoa MÃ", or None when the text is something else."""
    found = parse(text)
    return found[1] if found and found[0] == "join" else None


async def join(turn: Turn, code: str) -> tuple[str, Course | None]:
    """Join the course of `code`; the text to show, and the course when the user is in it."""
    if not code:
        return turn.t("Please type “khoa” and the course code, e.g. khoa K7QW3P."), None
    outcome, course = await courses.join(turn.session, turn.user.id or 0, code, turn.now)
    shown = courses.clean_code(code)[:12]
    if outcome == "unknown" or course is None:
        text = turn.t(
            "I don't know the course code {code}. Please check it with your trainer.", code=shown
        )
        return text, None
    if outcome == "expired":
        text = turn.t(
            "The code {code} has expired. Please ask your trainer for a new one.", code=shown
        )
        return text, None
    if outcome == "already":
        return turn.t("You are already in the course “{name}”.", name=course.name), course
    return turn.t("Welcome to the course “{name}”! 🎓", name=course.name), course


async def handle(turn: Turn, command: str, argument: str) -> list[Reply]:
    """Answer one typed course command; officers' commands re-check the role first."""
    if command == "join":
        text, course = await join(turn, argument)
        if course is None:
            return [Reply(text)]
        choices = (
            Choice(turn.t("🧠 Start the course quiz"), f"quiz:course:{course.id}"),
            Choice(turn.t("🏠 Main menu"), "menu:home"),
        )
        return [Reply(text, choices=choices)]
    if not is_officer(turn.user):
        return [Reply(turn.t("Sorry, this command is for OCOP officers only."))]
    if command == "create":
        return [Reply(await _create(turn, argument))]
    return [Reply(await _report(turn, argument))]


async def _create(turn: Turn, name: str) -> str:
    if not name:
        return turn.t("Please add the course name, e.g. /taokhoa OCOP Cà Mau 2026")
    course = await courses.create_course(turn.session, name, turn.now, created_by=turn.user.id)
    return "\n".join(
        [
            turn.t("Course created."),
            course_line(turn.t, course, turn.services.timezone),
            turn.t("Trainees join by typing: khoa {code}", code=course.code),
        ]
    )


async def _report(turn: Turn, code: str) -> str:
    if not code:
        return turn.t("Please add the course code, e.g. /baocao K7QW3P")
    course = await courses.course_by_code(turn.session, code)
    if course is None:
        shown = courses.clean_code(code)[:12]
        return turn.t("There is no course with the code {code}.", code=shown)
    found = await courses.report(turn.session, course)
    return report_text(turn.t, found, quiz_bank(turn), turn.services.timezone)
