"""The question inbox page: open questions with context, answering, proposing an FAQ draft."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from conversations import inbox
from conversations.faq_models import Escalation
from knowledge.faq_drafts import check_draft, draft_document, dump_draft
from knowledge.problems import Problem

if TYPE_CHECKING:
    from bot.admin.component import Admin

NOTICES = ("answered", "closed", "drafted", "draft_exists", "empty")


def draft_name(escalation_id: int) -> str:
    """The file name of the FAQ draft made from one question."""
    return f"esc-{escalation_id}.yaml"


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """Open questions oldest first, then the latest answered ones."""
    library = admin.runtime.services.knowledge
    async with admin.runtime.sessions() as db:
        waiting = await inbox.questions(db, library, inbox.OPEN)
        answered = await inbox.questions(db, library, inbox.ANSWERED, limit=30)
    drafted = {
        q.escalation.id
        for q in answered
        if (admin.drafts_dir / draft_name(q.escalation.id or 0)).exists()
    }
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
        drafts_dir=admin.drafts_dir.name,
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


async def draft(admin: Admin, request: Request, officer: Officer) -> Response:
    """Write an answered question as a draft FAQ entry (validated; served only after review)."""
    escalation_id = int(request.path_params["id"])
    async with admin.runtime.sessions() as db:
        escalation = await db.get(Escalation, escalation_id)
    if escalation is None or not escalation.answer:
        return admin.not_found(officer)
    document = draft_document(
        entry_id=f"draft-esc-{escalation_id}",
        question=escalation.question,
        answer=escalation.answer,
        escalation=escalation_id,
        written_by=officer.user.external_id,
        written_at=admin.clock().isoformat(timespec="seconds"),
    )
    problems: list[Problem] = []
    if check_draft(document, draft_name(escalation_id), problems) is None:
        raise RuntimeError(f"a dashboard draft does not validate: {problems}")
    path = admin.drafts_dir / draft_name(escalation_id)
    written = await asyncio.to_thread(_write_new, path, dump_draft(document))
    return RedirectResponse(
        f"/admin/inbox?done={'drafted' if written else 'draft_exists'}", status_code=303
    )


def _write_new(path: Path, text: str) -> bool:
    """Create `path` with `text` unless it exists; False when it was already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True
