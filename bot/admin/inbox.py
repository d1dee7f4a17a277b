"""The question inbox page: open questions with context, answering; an answered question
becomes a draft FAQ entry in `bot/admin/knowledge_entry.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from conversations.curation.store import drafted_questions
from conversations.officers import inbox

if TYPE_CHECKING:
    from bot.admin.component import Admin

NOTICES = ("answered", "closed", "empty")


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """Open questions oldest first, then the latest answered ones."""
    library = admin.runtime.services.knowledge
    async with admin.runtime.sessions() as db:
        waiting = await inbox.questions(db, library, inbox.OPEN)
        answered = await inbox.questions(db, library, inbox.ANSWERED, limit=30)
        drafted = await drafted_questions(db, [q.escalation.id or 0 for q in answered])
    notice = request.query_params.get("done", "")
    return admin.pages.render(
        "inbox.html",
        officer.locale,
        officer=officer,
        active="inbox",
        waiting=waiting,
        answered=answered,
        drafted=drafted,
        notice=notice if notice in NOTICES else "",
        max_answer=inbox.MAX_ANSWER,
    )


async def answer(admin: Admin, request: Request, officer: Officer) -> Response:
    """Send the officer's answer: escalation answered and outbox row, in one transaction."""
    escalation_id = int(request.path_params["id"])
    text = officer.field("answer", inbox.MAX_ANSWER)
    if not text:
        return RedirectResponse("/admin/inbox?done=empty", status_code=303)
    services = admin.runtime.services
    async with admin.runtime.sessions() as db, db.begin():
        user = await admin.still_officer(db, officer)
        if user is None:
            return admin.forbidden(officer)
        done = await inbox.answer(
            db,
            escalation_id,
            officer=user,
            text=text,
            catalogs=services.catalogs,
            now=admin.clock(),
        )
    return RedirectResponse(
        f"/admin/inbox?done={'answered' if done else 'closed'}", status_code=303
    )
