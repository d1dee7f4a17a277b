"""The knowledge pages: search every entry, seed conflicts, the calendar (confirm a date with its
source document), the rule regimes (which one is current), and the history of every change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import delete
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from bot.admin.knowledge_entry import author_of
from conversations.curation import editing, store
from conversations.curation.documents import Doc, dump
from conversations.curation.tables import LIVE
from conversations.outbox import CalendarOverride
from conversations.parsing import parse_date
from knowledge.problems import Problem

if TYPE_CHECKING:
    from bot.admin.component import Admin

KINDS = ("faq", "checklist_item", "milestone", "regime")
NOTICES = ("publish", "draft", "retire", "restore", "confirmed", "current")
HISTORY_SHOWN = 300


async def index(admin: Admin, request: Request, officer: Officer) -> Response:
    """Search entries (with or without diacritics), and seeds not applied over an edit."""
    query = request.query_params.get("q", "")[:200]
    kind = request.query_params.get("kind", "faq")
    kind = kind if kind in KINDS else "faq"
    async with admin.runtime.sessions() as db:
        records = await store.all_records(db)
        conflicts = await store.open_conflicts(db)
    found = editing.search(records, query, kind)
    return admin.pages.render(
        "knowledge.html", officer.locale, officer=officer, active="knowledge", query=query,
        kind=kind, kinds=KINDS, found=found[:200], total=len(found), conflicts=conflicts,
    )


async def calendar(admin: Admin, request: Request, officer: Officer) -> Response:
    """Every milestone with its status, date and source."""
    async with admin.runtime.sessions() as db:
        records = [r for r in await store.all_records(db, LIVE) if r.kind == "milestone"]
    rows = [(r, Doc(r.kind, r.key, r.file, 0, r.body).data) for r in records]
    notice = request.query_params.get("done", "")
    return admin.pages.render(
        "knowledge_calendar.html", officer.locale, officer=officer, active="knowledge",
        rows=rows, notice=notice if notice in NOTICES else "", problems=[],
    )


async def confirm(admin: Admin, request: Request, officer: Officer) -> Response:
    """Confirm (or change) a milestone's date with the document that announces it."""
    key = str(request.path_params["key"])
    typed = officer.field("date", 20)
    source = officer.field("source", 500)
    status = "confirmed" if officer.field("status", 12) != "expected" else "expected"
    day = parse_date(typed) if typed else None
    base = admin.runtime.services.knowledge
    assert base is not None
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        record = await store.find(db, "milestone", key)
        if record is None:
            return admin.not_found(officer)
        data = Doc(record.kind, record.key, record.file, 0, record.body).data
        problems: list[Problem] = []
        if status == "confirmed" and day is None:
            problems = [Problem(record.file, str(data.get("id")), "date", "dd/mm/yyyy")]
        else:
            changed = editing.milestone_data(data, status, day, source)
            doc = Doc(record.kind, record.key, record.file, record.position, dump(changed))
            problems = await store.change(
                db, base, doc, status=LIVE, action="publish", author=author_of(officer),
                why=officer.field("why", 500) or source, now=admin.clock(),
            )
            if not problems:
                await _drop_override(db, key.partition(":")[0], str(data.get("id")))
    if problems:
        async with admin.runtime.sessions() as db:
            records = [r for r in await store.all_records(db, LIVE) if r.kind == "milestone"]
        rows = [(r, Doc(r.kind, r.key, r.file, 0, r.body).data) for r in records]
        return admin.pages.render(
            "knowledge_calendar.html", officer.locale, status=422, officer=officer,
            active="knowledge", rows=rows, notice="", problems=problems,
        )
    return RedirectResponse("/admin/knowledge/calendar?done=confirmed", status_code=303)


async def _drop_override(db: object, calendar_stem: str, milestone_id: str) -> None:
    """A date confirmed here replaces one set earlier with /lich in chat."""
    province, _, year = calendar_stem.rpartition("-")
    if year.isdigit():
        await db.exec(  # type: ignore[attr-defined]
            delete(CalendarOverride).where(
                CalendarOverride.province_id == province,  # type: ignore[arg-type]
                CalendarOverride.year == int(year),  # type: ignore[arg-type]
                CalendarOverride.milestone_id == milestone_id,  # type: ignore[arg-type]
            )
        )


async def rules(admin: Admin, request: Request, officer: Officer) -> Response:
    """The regimes with their effective dates and the one answering "current rules"."""
    library = admin.runtime.services.knowledge
    notice = request.query_params.get("done", "")
    return admin.pages.render(
        "knowledge_rules.html", officer.locale, officer=officer, active="knowledge",
        rules=library.rules if library else None, notice=notice if notice in NOTICES else "",
        problems=[],
    )


async def set_current(admin: Admin, request: Request, officer: Officer) -> Response:
    """Make another regime the current one (shown in every answer's source line)."""
    chosen = officer.field("current", 60)
    base = admin.runtime.services.knowledge
    assert base is not None
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        record = await store.find(db, "rules", "rules.yaml")
        if record is None:
            return admin.not_found(officer)
        data = Doc(record.kind, record.key, record.file, 0, record.body).data or {}
        data["current"] = chosen
        doc = Doc(record.kind, record.key, record.file, record.position, dump(data))
        problems = await store.change(
            db, base, doc, status=LIVE, action="publish", author=author_of(officer),
            why=officer.field("why", 500), now=admin.clock(),
        )
    if problems:
        return admin.pages.render(
            "knowledge_rules.html", officer.locale, status=422, officer=officer,
            active="knowledge", rules=base.rules, notice="", problems=problems,
        )
    return RedirectResponse("/admin/knowledge/rules?done=current", status_code=303)


async def history(admin: Admin, request: Request, officer: Officer) -> Response:
    """Every change, newest first: who, when, why, before and after."""
    async with admin.runtime.sessions() as db:
        rows = await store.history(db, limit=HISTORY_SHOWN)
    return admin.pages.render(
        "knowledge_history.html", officer.locale, officer=officer, active="knowledge",
        rows=list(reversed(rows)),
    )
