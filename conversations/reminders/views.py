"""Reminders as users meet them: "done" and "later" on a reminder, the upcoming list, opt-outs,
and the officers' command to confirm a calendar date."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select, update

from conversations.messages import Choice, Reply
from conversations.officers.roles import is_officer
from conversations.outbox import (
    CANCELLED,
    PENDING,
    CalendarOverride,
    OutboxMessage,
    ReminderAck,
    ReminderOptOut,
    enqueue,
)
from conversations.parsing import parse_date
from conversations.registration import producer_store
from conversations.reminders import personal
from conversations.reminders.planning import LATER_DAYS, SEND_AT, effective_milestones, local_moment
from conversations.turn import Turn, library
from knowledge.folding import fold

KINDS = ("dossier_deadline", "council_round", "certificate_expiry")


async def on_reminder(turn: Turn, value: str) -> list[Reply]:
    """Handles "✅ Done" and "⏰ Later" on a reminder; only its own recipient may answer it."""
    _, action, ref = ([*value.split(":", 2), "", ""])[:3]
    query = select(OutboxMessage).where(
        OutboxMessage.ref == ref, OutboxMessage.user_id == turn.user.id
    )
    row = (await turn.session.exec(query)).first()
    if row is None or action not in ("done", "later"):
        return [Reply(turn.t("That button belongs to an older message, so I ignored it."))]
    if action == "done":
        if await turn.session.get(ReminderAck, (turn.user.id, row.series)) is None:
            turn.session.add(
                ReminderAck(user_id=turn.user.id or 0, series=row.series, acked_at=turn.now)
            )
        return [Reply(turn.t("Noted, well done! I won't remind you of this again."))]
    local_today = turn.now.astimezone(turn.services.timezone).date()
    when = local_today + timedelta(days=LATER_DAYS)
    reply = Reply(row.text, choices=tuple(Choice(label, v) for label, v in row.choices))
    await enqueue(
        turn.session,
        dedupe_key=f"{row.dedupe_key}:later:{local_today.isoformat()}",
        user_id=row.user_id,
        producer_id=row.producer_id,
        kind=row.kind,
        series=row.series,
        reply=reply,
        not_before=local_moment(when, SEND_AT, turn.services.timezone),
        due_on=row.due_on,
    )
    return [Reply(turn.t("All right, I will remind you again on {date}.", date=turn.t.date(when)))]


def _expected(turn: Turn, period: str) -> str:
    """ "expected …" before a period, unless the period already says what it is ("Dự kiến
    khoảng …", "Chưa có ngày xác nhận …")."""
    if fold(period).startswith(("du kien", "expected", "around", "chua co ngay", "no date")):
        return period
    return turn.t("expected {period}", period=period)


async def show_reminders(turn: Turn) -> list[Reply]:
    """Upcoming deadlines for the user, and a switch per kind of reminder."""
    if turn.services.knowledge is None:
        return [Reply(turn.t("The calendar is not available right now. Please try again later."))]
    lines = [turn.t("⏰ Your deadlines and reminders:")]
    lang = turn.t.locale
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    today = turn.now.astimezone(turn.services.timezone).date()
    if producer is not None:
        for product in await producer_store.products_of(turn.session, producer.id):
            if product.expiry_date:
                lines.append(
                    turn.t(
                        "• “{product}”: certificate valid until {date}",
                        product=product.name,
                        date=turn.t.date(product.expiry_date),
                    )
                )
    province = producer.province if producer else "Cà Mau"
    for cal, m in await effective_milestones(turn.session, library(turn)):
        if cal.province_name != province or (m.date and m.date < today):
            continue
        if m.confirmed and m.date:
            lines.append(f"• {m.name[lang]}: {turn.t.date(m.date)}")
        elif m.period:
            lines.append(f"• {m.name[lang]}: " + _expected(turn, m.period[lang]))
    mine = await personal.upcoming(turn)
    if mine:
        lines.append(
            turn.t(
                "🗒️ Your own reminders: {n} (the first on {date})",
                n=len(mine),
                date=turn.t.date(mine[0].remind_on),
            )
        )
    if len(lines) == 1:
        lines.append(turn.t("Nothing scheduled yet."))
    lines.append(
        turn.t("To set your own reminder, type for example: “{example}”.", example=personal.EXAMPLE)
    )
    off = {
        o.kind
        for o in (
            await turn.session.exec(
                select(ReminderOptOut).where(ReminderOptOut.user_id == turn.user.id)
            )
        ).all()
    }
    names = {r.kind: r.name[lang] for r in library(turn).reminder_rules}
    choices = []
    for kind in KINDS:
        if kind in off:
            choices.append(
                Choice(
                    "🔔 " + turn.t("Turn on: {name}", name=names.get(kind, kind)),
                    f"remset:{kind}:on",
                )
            )
        else:
            choices.append(
                Choice(
                    "🔕 " + turn.t("Turn off: {name}", name=names.get(kind, kind)),
                    f"remset:{kind}:off",
                )
            )
    choices.insert(0, Choice(turn.t("🗒️ My reminders"), "mine:list"))
    choices.append(Choice(turn.t("🏠 Main menu"), "menu:home"))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def on_setting(turn: Turn, value: str) -> list[Reply]:
    """Turns one kind of reminder off or on, then shows the list again."""
    _, kind, state = ([*value.split(":"), "", ""])[:3]
    if kind in KINDS:
        existing = await turn.session.get(ReminderOptOut, (turn.user.id, kind))
        if state == "off" and existing is None:
            turn.session.add(ReminderOptOut(user_id=turn.user.id or 0, kind=kind))
        elif state == "on" and existing is not None:
            await turn.session.delete(existing)
        await turn.session.flush()
    return await show_reminders(turn)


async def officer_calendar(turn: Turn, args: list[str]) -> list[Reply]:
    """/lich [milestone-id dd/mm/yyyy]: officers list milestones or confirm a date."""
    if not is_officer(turn.user):
        return [Reply(turn.t("Sorry, this command is for OCOP officers only."))]
    milestones = await effective_milestones(turn.session, library(turn))
    if len(args) != 2:
        lines = [turn.t("Milestones (use: /lich <id> <dd/mm/yyyy>):")]
        for cal, m in milestones:
            when = turn.t.date(m.date) if m.date else "—"
            lines.append(f"{cal.province_id}-{cal.year} · {m.id} · {m.status} · {when}")
        return [Reply("\n".join(lines))]
    found = [(cal, m) for cal, m in milestones if m.id == args[0]]
    day = parse_date(args[1])
    if not found or day is None:
        return [Reply(turn.t("Unknown milestone or date. Use: /lich <id> <dd/mm/yyyy>"))]
    cal, m = found[0]
    override = await turn.session.get(CalendarOverride, (cal.province_id, cal.year, m.id))
    if override is None:
        override = CalendarOverride(
            province_id=cal.province_id, year=cal.year, milestone_id=m.id, day=day
        )
    override.day, override.status = day, "confirmed"
    override.updated_by, override.updated_at = turn.user.id, turn.now
    turn.session.add(override)
    await turn.session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.series).contains(f":{m.id}:"), OutboxMessage.status == PENDING)
        .values(status=CANCELLED, error="calendar date changed")
    )
    return [
        Reply(
            turn.t(
                "Saved: {name} on {date} (confirmed). Pending reminders were rescheduled.",
                name=m.name[turn.t.locale],
                date=turn.t.date(day),
            )
        )
    ]


def parse_command(text: str) -> tuple[str, list[str]] | None:
    """A slash command and its arguments: "/lich a 1/2/2026" → ("lich", ["a", "1/2/2026"])."""
    if not text.startswith("/"):
        return None
    head, *args = text[1:].split()
    return head.lower(), args
