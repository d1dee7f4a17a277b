"""Announcements in chat outside the compose flow: officers' history and cancel, producers'
"dừng thông báo" / "nhận thông báo", and redeeming an officer invite ("/canbo MÃ")."""

from __future__ import annotations

from conversations.announcements import broadcasts
from conversations.announcements.audience import OPT_OUT_KIND
from conversations.announcements.broadcasts import RUNNING, SCHEDULED, Broadcast
from conversations.messages import Choice, Reply
from conversations.officers import roles as officers
from conversations.outbox import ReminderOptOut
from conversations.turn import Turn

STATUS_LABELS = {
    "scheduled": "🗓️",
    "sending": "⏳",
    "done": "✅",
    "cancelled": "🚫",
}


def officer_choices(turn: Turn) -> tuple[Choice, ...]:
    """The officer's announcement menu."""
    return (
        Choice(turn.t("✍️ New announcement"), "bcast:new"),
        Choice(turn.t("📜 Past announcements"), "bcast:history"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )


async def history(turn: Turn) -> list[Reply]:
    """The latest announcements with their numbers; each opens its report."""
    rows = await broadcasts.history(turn.session, limit=8)
    if not rows:
        return [Reply(turn.t("No announcements yet."), choices=officer_choices(turn))]
    lines = [turn.t("📜 Past announcements:")]
    choices = []
    every = await broadcasts.stats_of(turn.session, rows)
    for row in rows:
        numbers = every[row.id or 0]
        when = turn.t.datetime(row.send_at.astimezone(turn.services.timezone))
        lines.append(
            f"{STATUS_LABELS.get(row.status, '')} #{row.id} · {when} · "
            + turn.t(
                "sent {sent}/{total}",
                sent=turn.t.number(numbers["sent"]),
                total=turn.t.number(numbers.total),
            )
            + f"\n   “{broadcasts.excerpt(row.text, 50)}”"
        )
        choices.append(Choice(f"#{row.id}", f"bcast:show:{row.id}"))
    choices.append(Choice(turn.t("✍️ New announcement"), "bcast:new"))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def _show(turn: Turn, row: Broadcast) -> list[Reply]:
    numbers = await broadcasts.stats(turn.session, row)
    text = broadcasts.report_text(turn.t, row, numbers)
    if row.status == SCHEDULED:
        when = turn.t.datetime(row.send_at.astimezone(turn.services.timezone))
        text += "\n" + turn.t("🗓️ Scheduled for {when}.", when=when)
    choices = []
    if row.status in (SCHEDULED, RUNNING):
        choices.append(Choice(turn.t("🚫 Cancel #{id}", id=row.id), f"bcast:cancel:{row.id}"))
    choices.append(Choice(turn.t("📜 Past announcements"), "bcast:history"))
    return [Reply(text, choices=tuple(choices))]


async def on_officer_action(turn: Turn, value: str) -> list[Reply]:
    """bcast:* buttons; the role is checked first, so a replayed button does nothing."""
    if not officers.is_officer(turn.user):
        return [Reply(turn.t("Sorry, announcements are for OCOP officers only."))]
    parts = value.split(":")
    action = parts[1] if len(parts) > 1 else "menu"
    ident = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    if action == "history":
        return await history(turn)
    row = await turn.session.get(Broadcast, ident) if ident is not None else None
    if action == "show" and row is not None:
        return await _show(turn, row)
    if action == "cancel" and row is not None and row.status in (SCHEDULED, RUNNING):
        text = turn.t(
            "Cancel announcement #{id}? Messages not yet sent will not go out.", id=row.id
        )
        choices = (
            Choice(turn.t("🚫 Yes, cancel it"), f"bcast:cancelok:{row.id}"),
            Choice(turn.t("Keep it"), f"bcast:show:{row.id}"),
        )
        return [Reply(text, choices=choices)]
    if action == "cancelok" and ident is not None:
        done = await broadcasts.cancel(turn.session, ident, turn.now)
        if done is None:
            return [
                Reply(
                    turn.t("That announcement can no longer be cancelled."),
                    choices=officer_choices(turn),
                )
            ]
        return [
            Reply(turn.t("🚫 Announcement #{id} is cancelled.", id=ident)),
            *await _show(turn, done),
        ]
    text = turn.t("📣 Announcements to producers and trainees.")
    return [Reply(text, choices=officer_choices(turn))]


async def set_announcements(turn: Turn, on: bool) -> list[Reply]:
    """A user stops or restarts announcements."""
    existing = await turn.session.get(ReminderOptOut, (turn.user.id, OPT_OUT_KIND))
    if not on and existing is None:
        turn.session.add(ReminderOptOut(user_id=turn.user.id or 0, kind=OPT_OUT_KIND))
    if on and existing is not None:
        await turn.session.delete(existing)
    if on:
        text = turn.t("🔔 Announcements are on again. Type “dừng thông báo” to stop them.")
        choice = Choice("🔕 " + turn.t("Stop announcements"), broadcasts.STOP_ACTION)
    else:
        text = turn.t(
            "🔕 You will not receive announcements any more. "
            "Type “nhận thông báo” to get them again."
        )
        choice = Choice("🔔 " + turn.t("Get announcements again"), "announce:on")
    return [Reply(text, choices=(choice,))]


async def on_announce(turn: Turn, value: str) -> list[Reply]:
    """The stop/restart buttons (also sent under every announcement)."""
    return await set_announcements(turn, value == "announce:on")


async def redeem_invite(turn: Turn, args: list[str]) -> list[Reply]:
    """/canbo CODE: become an officer with a one-time code from `ocop-bot officers invite`."""
    if len(args) != 1:
        return [Reply(turn.t("Type the code like this: /canbo ABCD2345"))]
    outcome = await officers.redeem(turn.session, turn.user, args[0], turn.now)
    if outcome == "granted":
        return [
            Reply(
                turn.t("✅ You are now an OCOP officer. Type “thông báo” to send an announcement."),
                choices=officer_choices(turn),
            )
        ]
    texts = {
        "already": turn.t("You have already used this code: you are an officer."),
        "expired": turn.t("This code has expired. Please ask for a new one."),
        "used": turn.t("This code has already been used. Please ask for a new one."),
        "unknown": turn.t("I do not know this code. Please check it and try again."),
    }
    return [Reply(texts[outcome])]
