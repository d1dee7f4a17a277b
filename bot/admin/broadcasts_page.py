"""Announcements: compose with audience filters, see counts and the preview, confirm, cancel."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import labels
from bot.admin.context import Officer
from conversations.announcements import audience as aud
from conversations.announcements import broadcasts
from conversations.i18n import N_
from conversations.quiz.tables import Course
from conversations.registration.tables import STAGES

if TYPE_CHECKING:
    from bot.admin.component import Admin

EXPIRED = N_("This form has expired. Please go back, reload the page and try again.")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the officer filled in on the compose form."""

    text: str
    audience: aud.Audience
    urgent: bool
    later: bool
    day: str
    hour: str


def read_draft(officer: Officer) -> Draft:
    """The posted compose form, unknown values dropped."""
    raw = {
        "everyone": officer.field("everyone") == "1",
        "communes": officer.fields("commune"),
        "groups": officer.fields("group"),
        "stages": officer.fields("stage"),
        "completeness": officer.fields("completeness"),
        "courses": officer.fields("course"),
    }
    return Draft(
        text=officer.field("text", broadcasts.MAX_TEXT + 1),
        audience=aud.Audience.from_json(raw),
        urgent=officer.field("urgent") == "1",
        later=officer.field("when") == "later",
        day=officer.field("day", 10),
        hour=officer.field("time", 5),
    )


def send_time(admin: Admin, draft: Draft, now: datetime) -> tuple[datetime | None, str]:
    """(UTC moment to send, "" ) or (None, the msgid of what is wrong)."""
    if not draft.later:
        return now, ""
    try:
        local = datetime.combine(date.fromisoformat(draft.day), time.fromisoformat(draft.hour))
    except ValueError:
        return None, N_("Please choose the date and time to send.")
    moment = local.replace(tzinfo=admin.runtime.services.timezone).astimezone(UTC)
    if moment <= now:
        return None, N_("The chosen time has already passed.")
    return moment, ""


def problem(admin: Admin, draft: Draft, now: datetime) -> tuple[datetime | None, str]:
    """(when to send, "") for a usable draft, else (None, the msgid of the first problem)."""
    if not draft.text:
        return None, N_("Please write the announcement.")
    if len(draft.text) > broadcasts.MAX_TEXT:
        return None, N_("The announcement is too long.")
    return send_time(admin, draft, now)


async def _posted(
    admin: Admin, officer: Officer, now: datetime
) -> tuple[Draft, datetime] | Response:
    """The posted draft and its send time, or the compose page again saying what is wrong."""
    draft = read_draft(officer)
    moment, error = problem(admin, draft, now)
    if moment is None:
        return await _page(admin, officer, draft, officer.texts(error), "", status=400)
    return draft, moment


async def _page(
    admin: Admin, officer: Officer, draft: Draft | None, error: str, notice: str, status: int = 200
) -> Response:
    library = admin.runtime.services.knowledge
    async with admin.runtime.sessions() as db:
        sent = await broadcasts.history(db, limit=20)
        numbers = await broadcasts.stats_of(db, sent)
        courses = list(await db.exec(select(Course).order_by(Course.id)))  # type: ignore[arg-type]
    groups = [(g.id, g.name.get(officer.locale) or g.name["vi"]) for g in library.products.groups]
    return admin.pages.render(
        "broadcasts.html",
        officer.locale,
        status=status,
        officer=officer,
        active="broadcasts",
        draft=draft,
        error=error,
        notice=notice,
        history=sent,
        numbers=numbers,
        communes=library.communes.names,
        groups=groups,
        stages=STAGES,
        completeness=aud.COMPLETENESS,
        courses=courses,
        max_text=broadcasts.MAX_TEXT,
        today=admin.clock().astimezone(admin.runtime.services.timezone).date().isoformat(),
    )


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """The compose form and the history."""
    notice = request.query_params.get("done", "")
    return await _page(admin, officer, None, "", notice if notice.isdigit() else "")


async def preview(admin: Admin, request: Request, officer: Officer) -> Response:
    """Counts per channel and the message as recipients will see it, with the confirm button."""
    services = admin.runtime.services
    now = admin.clock()
    posted = await _posted(admin, officer, now)
    if isinstance(posted, Response):
        return posted
    draft, moment = posted
    async with admin.runtime.sessions() as db:
        counts = await aud.count(db, services.knowledge, draft.audience, services.channels, now)
    messages = {
        locale: broadcasts.message_for(services.catalogs.texts(locale), draft.text, None, "web")
        for locale in ("vi", "en")
    }
    quiet = not draft.urgent and services.quiet.contains(moment, services.timezone)
    return admin.pages.render(
        "broadcast_preview.html",
        officer.locale,
        confirm_token=secrets.token_urlsafe(24),
        officer=officer,
        active="broadcasts",
        draft=draft,
        counts=counts,
        outcomes=labels.OUTCOMES,
        messages=messages,
        moment=moment if draft.later else None,
        quiet=quiet,
        quiet_hours=f"{services.quiet.start:%H:%M}–{services.quiet.end:%H:%M}",
    )


async def confirm(admin: Admin, request: Request, officer: Officer) -> Response:
    """Store the broadcast; "send now" writes its outbox rows in the same transaction."""
    services = admin.runtime.services
    now = admin.clock()
    posted = await _posted(admin, officer, now)
    if isinstance(posted, Response):
        return posted
    draft, moment = posted
    token = officer.field("confirm_token", 64)
    if not token:
        return await _page(admin, officer, draft, officer.texts(EXPIRED), "", status=400)
    async with admin.runtime.sessions() as db, db.begin():
        user = await admin.still_officer(db, officer)
        if user is None:
            return admin.forbidden(officer)
        if (done := await broadcasts.by_token(db, f"web:{token}")) is not None:
            return RedirectResponse(f"/admin/broadcasts?done={done.id}", status_code=303)
        made = await broadcasts.create(
            db,
            officer=user,
            text=draft.text,
            audience=draft.audience,
            send_at=moment,
            urgent=draft.urgent,
            token=f"web:{token}",
        )
        if not draft.later:
            await broadcasts.materialize(db, made, services.catalogs, services.knowledge, now)
    return RedirectResponse(f"/admin/broadcasts?done={made.id}", status_code=303)


async def cancel(admin: Admin, request: Request, officer: Officer) -> Response:
    """Cancel a scheduled broadcast, or what is not yet sent of a running one."""
    async with admin.runtime.sessions() as db, db.begin():
        user = await admin.still_officer(db, officer)
        if user is None:
            return admin.forbidden(officer)
        await broadcasts.cancel(db, int(request.path_params["id"]), admin.clock())
    return RedirectResponse("/admin/broadcasts", status_code=303)
