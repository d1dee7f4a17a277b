"""An officer's announcement: text, optional photo, audience, counts and preview, when, confirm.

Every step re-reads the officer role from the user row of this transaction: a user who is not
(or no longer) an officer is taken out of the flow and nothing is stored.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta

from conversations.announcements import audience as aud
from conversations.announcements import audience_steps as picks
from conversations.announcements import broadcasts
from conversations.announcements import chat as broadcast_chat
from conversations.channels import quota
from conversations.flow import END, Flow, Go, Retry, Step
from conversations.messages import Choice, Reply
from conversations.parsing import parse_date
from conversations.turn import Answer, Turn, library

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "text": ("photo", END),
    "photo": ("audience", END),
    "audience": ("counts", "audience", *picks.PICKERS.values(), END),
    **{step: ("audience", step, END) for step in picks.PICKERS.values()},
    "counts": ("confirm", "schedule", "audience", "text", END),
    "schedule": ("confirm", END),
    "confirm": (END, "confirm", "counts", "schedule"),
}
"""Every step may end the flow: when the user is no longer an officer."""
MAX_DAYS_AHEAD = 90
_WHEN = re.compile(r"^\s*(\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)\s+(\d{1,2})[:hg.](\d{2})?\s*$")


async def ask_text(turn: Turn) -> list[Reply]:
    """Asks for the announcement's text (a photo with a caption also works)."""
    text = turn.t(
        "📣 New announcement. Type the text (up to {n} characters). It is sent exactly as typed.",
        n=turn.t.number(broadcasts.MAX_TEXT),
    )
    return [Reply(text, choices=(Choice(turn.t("📜 Past announcements"), "bcast:history"),))]


def _photo(turn: Turn, answer: Answer) -> dict[str, str] | None:
    a = answer.attachment
    if a is None or a.kind != "photo":
        return None
    return {"channel": turn.incoming.channel, "file_ref": a.file_ref, "mime_type": a.mime_type}


async def on_text(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the text (and a photo sent with it as its caption)."""
    if stop := picks.not_officer(turn):
        return stop
    if answer.choice == "bcast:history":
        return Go(END, tuple(await broadcast_chat.history(turn)))
    text = answer.text.strip()
    if not text:
        return Retry(turn.t("Please type the text first; you can add a photo next."))
    if len(text) > broadcasts.MAX_TEXT:
        return Retry(
            turn.t(
                "That is {n} characters; the limit is {max}. Please shorten it.",
                n=turn.t.number(len(text)),
                max=turn.t.number(broadcasts.MAX_TEXT),
            )
        )
    turn.form["text"] = text
    turn.form.setdefault("audience", aud.Audience().to_json())
    photo = _photo(turn, answer)
    if photo:
        turn.form["photo"] = photo
    return Go("photo")


async def ask_photo(turn: Turn) -> list[Reply]:
    """Offers to add a photo."""
    if turn.form.get("photo"):
        text = turn.t("Photo received. Send another to replace it, or continue.")
    else:
        text = turn.t("Add a photo? Send it now, or continue without one.")
    return [Reply(text, choices=(Choice(turn.t("Continue ➡️"), "photo:next"),))]


async def on_photo(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores a photo, or moves on."""
    if stop := picks.not_officer(turn):
        return stop
    photo = _photo(turn, answer)
    if photo:
        turn.form["photo"] = photo
        return Go("audience")
    if answer.choice == "photo:next":
        return Go("audience")
    return Retry(turn.t("Please send a photo (not a file), or tap Continue."))


async def _counts(turn: Turn) -> aud.Counts:
    audience = picks.audience_of(turn)
    channels = turn.services.channels
    return await aud.count(turn.session, library(turn), audience, channels, turn.now)


def counts_text(turn: Turn, counts: aud.Counts) -> str:
    """The counts per channel, with who will not get it and why."""
    t = turn.t
    if not counts.total():
        return t("Nobody matches this audience yet. Please change it.")
    lines = [t("Recipients: {n}", n=t.number(counts.total())), ""]
    for channel, row in sorted(counts.by_channel.items()):
        name = t(aud.CHANNEL_LABELS.get(channel, channel))
        parts = [t("{n} will receive it", n=t.number(row["send"]))]
        if row["unreachable"]:
            parts.append(t("{n} unreachable", n=t.number(row["unreachable"])))
        if row["opted_out"]:
            parts.append(t("{n} opted out", n=t.number(row["opted_out"])))
        if row["window_closed"]:
            parts.append(t("{n} outside the Zalo window", n=t.number(row["window_closed"])))
        lines.append(f"• {name}: " + ", ".join(parts))
    lines += ["", t("It will be sent to: {n}", n=t.number(counts.total("send")))]
    return "\n".join(lines)


async def ask_counts(turn: Turn) -> list[Reply]:
    """Shows the counts and the message exactly as recipients will see it."""
    counts = await _counts(turn)
    turn.form["recipients"] = counts.total("send")
    photo = turn.form.get("photo")
    preview_t = turn.services.catalogs.texts(turn.services.default_locale)
    preview = broadcasts.message_for(
        preview_t, turn.form["text"], photo, str(photo["channel"]) if photo else ""
    )
    lead = Reply(turn.t("👀 Preview: this is what recipients will see:"))
    shown = Reply(preview.text, attachment=preview.attachment)
    choices = [
        Choice(turn.t("▶️ Send now"), "when:now"),
        Choice(turn.t("🗓️ Schedule"), "when:later"),
        Choice(turn.t("👥 Change the audience"), "when:audience"),
        Choice(turn.t("✏️ Change the text"), "when:text"),
    ]
    if not counts.total("send"):
        choices = choices[2:]
    summary = counts_text(turn, counts)
    if photo and any(ch != photo["channel"] for ch in counts.by_channel if ch != "none"):
        summary += "\n" + turn.t(
            "The photo goes to {channel} users only; others get the text.",
            channel=turn.t(aud.CHANNEL_LABELS.get(photo["channel"], "")),
        )
    summary += await _zalo_cost(turn, counts)
    return [lead, shown, Reply(summary, choices=tuple(choices))]


async def _zalo_cost(turn: Turn, counts: aud.Counts) -> str:
    """What the Zalo part costs: promotion messages from the OA's quota, never at night."""
    on_zalo = counts.by_channel.get("zalo", {}).get("send", 0)
    if not on_zalo:
        return ""
    text = "\n" + turn.t(
        "Zalo: {n} promotion messages from the account's quota, not sent 22:00–06:00.",
        n=turn.t.number(on_zalo),
    )
    left = await quota.latest_remain(turn.session, "zalo", "promotion")
    if left is not None:
        text += " " + turn.t("Left at the last send: {n}.", n=turn.t.number(left))
    return text


async def on_counts(turn: Turn, answer: Answer) -> Go | Retry:
    """Goes to confirm (send now), to scheduling, or back to change something."""
    if stop := picks.not_officer(turn):
        return stop
    targets = {"when:later": "schedule", "when:audience": "audience", "when:text": "text"}
    if answer.choice == "when:now" and turn.form.get("recipients"):
        turn.form.pop("send_at", None)
        return Go("confirm")
    if answer.choice in targets:
        return Go(targets[answer.choice])
    return Retry(turn.t("Please choose one of the options (type its number)."))


async def ask_schedule(turn: Turn) -> list[Reply]:
    """Asks for the date and time to send."""
    return [
        Reply(
            turn.t(
                "When should it go out? Type the date and time, for example “15/12 8:00” "
                "or “15/12/2026 14:30” (Vietnam time)."
            )
        )
    ]


def parse_when(text: str, today: date) -> datetime | None:
    """ "15/12 8:00" → a naive local datetime (this year, or next if already past)."""
    m = _WHEN.match(text)
    if not m:
        return None
    day_text, hour, minute = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if hour > 23 or minute > 59:
        return None
    parts = re.split(r"[/.-]", day_text)
    if len(parts) == 2:
        day = parse_date(f"{day_text}/{today.year}".replace("-", "/").replace(".", "/"))
        if day is not None and day < today:
            day = parse_date(f"{parts[0]}/{parts[1]}/{today.year + 1}")
    else:
        year = parts[2] if len(parts[2]) == 4 else f"20{parts[2]}"
        day = parse_date(f"{parts[0]}/{parts[1]}/{year}")
    return datetime.combine(day, time(hour, minute)) if day else None


async def on_schedule(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores a future date and time (at most 90 days ahead)."""
    if stop := picks.not_officer(turn):
        return stop
    zone = turn.services.timezone
    local_now = turn.now.astimezone(zone)
    when = parse_when(answer.text, local_now.date())
    if when is None:
        return Retry(turn.t("I could not read that. Please type it like “15/12 8:00”."))
    moment = when.replace(tzinfo=zone)
    if moment <= local_now:
        return Retry(turn.t("That time has passed. Please choose a time in the future."))
    if moment > local_now + timedelta(days=MAX_DAYS_AHEAD):
        return Retry(
            turn.t("Please choose a time within {n} days.", n=turn.t.number(MAX_DAYS_AHEAD))
        )
    turn.form["send_at"] = moment.isoformat()
    return Go("confirm")


def _send_at(turn: Turn) -> datetime | None:
    raw = turn.form.get("send_at")
    return datetime.fromisoformat(raw) if raw else None


async def ask_confirm(turn: Turn) -> list[Reply]:
    """Sums up what will be sent to whom and when, and asks to confirm."""
    t = turn.t
    turn.form.setdefault("token", secrets.token_urlsafe(12))
    when = _send_at(turn)
    urgent = bool(turn.form.get("urgent"))
    n = t.number(int(turn.form.get("recipients", 0)))
    if when is None:
        text = t("Send this announcement now? Recipients: {n}.", n=n)
        moment = turn.now
    else:
        text = t(
            "Send this announcement on {when}? Recipients now: {n}.",
            n=n,
            when=t.datetime(when.astimezone(turn.services.timezone)),
        )
        moment = when
    if urgent:
        text += "\n" + t("🚨 Urgent: it goes out even during quiet hours.")
    elif turn.services.quiet.contains(moment, turn.services.timezone):
        end = turn.services.quiet.end.strftime("%H:%M")
        text += "\n" + t("🌙 That is within quiet hours: it will go out at {time}.", time=end)
    toggle = t("Not urgent") if urgent else t("🚨 Mark as urgent")
    choices = (
        Choice(t("✅ Confirm and send") if when is None else t("✅ Confirm"), "ok"),
        Choice(toggle, "urgent"),
        Choice(t("⬅️ Back"), "back"),
    )
    return [Reply(text, choices=choices)]


async def on_confirm(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the broadcast (and, to send now, its outbox rows) or goes back."""
    if stop := picks.not_officer(turn):
        return stop
    if answer.choice == "urgent":
        turn.form["urgent"] = not turn.form.get("urgent")
        return Go("confirm")
    if answer.choice == "back":
        return Go("schedule" if turn.form.get("send_at") else "counts")
    if answer.choice != "ok":
        return Retry(turn.t("Please choose one of the options (type its number)."))
    when = _send_at(turn)
    token = f"chat:{turn.form.get('token') or secrets.token_urlsafe(12)}"
    if (done := await broadcasts.by_token(turn.session, token)) is not None:
        return Go(END, (Reply(turn.t("Announcement #{id} is already saved.", id=done.id)),))
    broadcast = await broadcasts.create(
        turn.session,
        officer=turn.user,
        text=str(turn.form["text"]),
        audience=picks.audience_of(turn),
        send_at=when or turn.now,
        urgent=bool(turn.form.get("urgent")),
        photo=turn.form.get("photo"),
        token=token,
    )
    if when is None:
        n = await broadcasts.materialize(
            turn.session, broadcast, turn.services.catalogs, library(turn), turn.now
        )
        text = turn.t(
            "✅ Announcement #{id} is being sent. Recipients: {n}. "
            "I will show the progress here.",
            id=broadcast.id,
            n=turn.t.number(n),
        )
    else:
        text = turn.t(
            "🗓️ Announcement #{id} is scheduled for {when}. "
            "You can cancel it from “📜 Past announcements”.",
            id=broadcast.id,
            when=turn.t.datetime(when.astimezone(turn.services.timezone)),
        )
    return Go(END, (Reply(text),))


FLOW = Flow(
    name="broadcast",
    steps=(
        Step("text", ask_text, on_text, prose=True),
        Step("photo", ask_photo, on_photo),
        Step("audience", picks.ask_audience, picks.on_audience),
        *(picks.picker(name) for name in picks.PICKERS.values()),
        Step("counts", ask_counts, on_counts),
        Step("schedule", ask_schedule, on_schedule),
        Step("confirm", ask_confirm, on_confirm, transient=True),
    ),
    transitions=TRANSITIONS,
)
