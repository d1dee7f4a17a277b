"""Personal reminders in chat: set one in your own words, list them, cancel one.

A reminder's message is written to the outbox when it is set (dedupe key `personal:<id>`,
series the same), due at the time asked for, or at the usual morning hour when no time was
given. Quiet hours hold it like any reminder, except when the producer asked for a time inside
them: that time was chosen on purpose, so the message is marked urgent and goes out then.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from sqlmodel import col, select, update

from conversations.messages import Choice, Reply
from conversations.outbox import CANCELLED, PENDING, OutboxMessage, enqueue, make_ref
from conversations.parsing import DateParts
from conversations.reminders.requests import Request, read_request
from conversations.reminders.tables import ACTIVE, TEXT_MAX, PersonalReminder
from conversations.turn import Turn
from knowledge.folding import fold

SEND_AT = time(8, 0)
MAX_AHEAD_DAYS = 3 * 366
MAX_ACTIVE = 20
LIST_PHRASES = frozenset(
    {
        "nhac hen cua toi", "danh sach nhac hen", "xem nhac hen", "cac nhac hen",
        "my reminders", "list reminders",
    }
)  # fmt: skip
_CANCEL = re.compile(
    r"^(?:huy|xoa|bo|cancel|delete)\s+(?:nhac hen|nhac|reminder)\s*(?:so\s*)?(\d+)?$"
)
EXAMPLE = "nhắc tôi ngày 15/12 lúc 8h đi nộp hồ sơ"


def _moment(turn: Turn, day: object, at: time | None) -> datetime:
    local = datetime.combine(day, at or SEND_AT, tzinfo=turn.services.timezone)  # type: ignore[arg-type]
    return local.astimezone(turn.now.tzinfo)


def _when(turn: Turn, reminder: PersonalReminder) -> str:
    shown = turn.t.date(reminder.remind_on)
    if reminder.at is not None:
        shown += " " + turn.t("at {time}", time=reminder.at.strftime("%H:%M"))
    return shown


async def upcoming(turn: Turn) -> list[PersonalReminder]:
    """The user's reminders still to go out, soonest first."""
    query = (
        select(PersonalReminder)
        .where(
            PersonalReminder.user_id == turn.user.id,
            PersonalReminder.status == ACTIVE,
            col(PersonalReminder.due_at) > turn.now,
        )
        .order_by(col(PersonalReminder.due_at), col(PersonalReminder.id))
    )
    return list((await turn.session.exec(query)).all())


async def on_text(turn: Turn, text: str) -> list[Reply] | None:
    """Answers a typed reminder request, list or cancel; None when `text` is none of those."""
    key = fold(text).strip(" ?!.…")
    if key in LIST_PHRASES:
        return await show(turn)
    if cancel := _CANCEL.match(key):
        if cancel.group(1) is None:
            return await show(turn)
        mine = await upcoming(turn)
        number = int(cancel.group(1))
        if not 1 <= number <= len(mine):
            lead = turn.t("There is no reminder number {n}.", n=number)
            return await show(turn, lead=lead)
        return await cancel_reminder(turn, mine[number - 1].id or 0)
    request = read_request(text)
    if request is None:
        return None
    return await _set(turn, request)


def _problem(turn: Turn, request: Request, due: datetime | None) -> str | None:
    """Why `request` cannot be set (no date, impossible or past date, no text…), or None."""
    today = turn.now.astimezone(turn.services.timezone).date()
    example = turn.t("For example: “{example}”.", example=EXAMPLE)
    day = request.day(today)
    if request.parts is None and request.relative is None:
        return turn.t("On which date should I remind you?") + " " + example
    if day is None or due is None:
        parts = request.parts or DateParts(0, 0, None)
        shown = f"{parts.day:02d}/{parts.month:02d}"
        return turn.t("There is no date {date}: please check the day and month.", date=shown)
    if day < today:
        return turn.t(
            "{date} has already passed. Please give a date to come.", date=turn.t.date(day)
        )
    if day > today + timedelta(days=MAX_AHEAD_DAYS):
        return turn.t("That is too far ahead: I keep reminders for up to three years.")
    if not request.text:
        return turn.t("What should I remind you of?") + " " + example
    if len(request.text) > TEXT_MAX:
        return turn.t("Please say it in fewer words (up to {n} characters).", n=TEXT_MAX)
    if request.at is not None and due <= turn.now:
        return turn.t("That time has already passed today. Please give a later time.")
    return None


async def _set(turn: Turn, request: Request) -> list[Reply]:
    today = turn.now.astimezone(turn.services.timezone).date()
    day = request.day(today)
    due = max(_moment(turn, day, request.at), turn.now) if day else None
    problem = _problem(turn, request, due)
    if problem is None and len(await upcoming(turn)) >= MAX_ACTIVE:
        problem = turn.t(
            "You already have {n} reminders waiting. Please cancel one first.", n=MAX_ACTIVE
        )
    if problem is not None or day is None or due is None:
        return [Reply(problem or "")]
    reminder = PersonalReminder(
        user_id=turn.user.id or 0,
        text=request.text,
        remind_on=day,
        at=request.at,
        due_at=due,
        created_at=turn.now,
    )
    turn.session.add(reminder)
    await turn.session.flush()
    key = f"personal:{reminder.id}"
    message = Reply(
        turn.t("⏰ Your reminder: {text}", text=reminder.text),
        choices=(
            Choice(turn.t("✅ Done"), f"rem:done:{make_ref(key)}"),
            Choice(turn.t("⏰ Remind me later"), f"rem:later:{make_ref(key)}"),
        ),
    )
    await enqueue(
        turn.session,
        dedupe_key=key,
        user_id=turn.user.id,
        kind="personal",
        series=key,
        reply=message,
        not_before=due,
        urgent=request.at is not None and turn.services.quiet.contains(due, turn.services.timezone),
        due_on=day,
    )
    text = turn.t(
        "✅ I will remind you on {when}: “{text}”.", when=_when(turn, reminder), text=reminder.text
    )
    choices = (
        Choice(turn.t("❌ Cancel this reminder"), f"mine:cancel:{reminder.id}"),
        Choice(turn.t("🗒️ My reminders"), "mine:list"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return [Reply(text, choices=choices)]


async def show(turn: Turn, lead: str = "") -> list[Reply]:
    """The user's upcoming reminders, numbered, each with a button to cancel it."""
    mine = await upcoming(turn)
    lines = [lead] if lead else []
    if not mine:
        lines.append(turn.t("You have no reminders waiting."))
        lines.append(turn.t("To set one, type for example: “{example}”.", example=EXAMPLE))
        return [Reply("\n".join(lines), choices=(Choice(turn.t("🏠 Main menu"), "menu:home"),))]
    lines.append(turn.t("🗒️ Your reminders:"))
    for number, reminder in enumerate(mine, start=1):
        lines.append(f"{number}. {_when(turn, reminder)}: {reminder.text}")
    lines.append(turn.t("To cancel one, tap it or type “hủy nhắc 1”."))
    choices = [
        Choice(turn.t("❌ Cancel {n}", n=number), f"mine:cancel:{reminder.id}")
        for number, reminder in enumerate(mine[:5], start=1)
    ]
    choices.append(Choice(turn.t("🏠 Main menu"), "menu:home"))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def cancel_reminder(turn: Turn, reminder_id: int) -> list[Reply]:
    """Cancels one of the user's own reminders and its waiting message."""
    reminder = await turn.session.get(PersonalReminder, reminder_id)
    if reminder is None or reminder.user_id != turn.user.id or reminder.status != ACTIVE:
        return await show(turn, lead=turn.t("That reminder is no longer waiting."))
    reminder.status = CANCELLED
    turn.session.add(reminder)
    await turn.session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(OutboxMessage.series == f"personal:{reminder.id}", OutboxMessage.status == PENDING)
        .values(status=CANCELLED, error="cancelled by the user")
    )
    lead = turn.t("Cancelled: {when}: “{text}”.", when=_when(turn, reminder), text=reminder.text)
    return await show(turn, lead=lead)


async def on_action(turn: Turn, value: str) -> list[Reply]:
    """The buttons "🗒️ My reminders" and "❌ Cancel" (accepted from earlier messages too)."""
    _, action, arg = ([*value.split(":", 2), "", ""])[:3]
    if action == "cancel" and arg.isdigit():
        return await cancel_reminder(turn, int(arg))
    return await show(turn)
