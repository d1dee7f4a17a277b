"""The training-material pages: every document with its pages, passages and how often each
answered; a document's passages; retire or restore a document; a passage made into an FAQ draft
(published through the knowledge pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from bot.admin.knowledge_entry import author_of
from bot.admin.material_upload import render_index
from conversations.curation import editing, store
from conversations.curation.tables import DRAFT
from conversations.material.store import (
    document_passages,
    faq_draft,
    set_retired,
)
from conversations.material.tables import MaterialDocument

if TYPE_CHECKING:
    from bot.admin.component import Admin

NOTICES = ("retired", "restored")


async def index(admin: Admin, request: Request, officer: Officer) -> Response:
    """Every document: version, file, pages, passages, answers given, retired or not; the
    upload form."""
    notice = request.query_params.get("done", "")
    return await render_index(admin, officer, notice=notice if notice in NOTICES else "")


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """One document's passages in page order, the most used marked by their answer count."""
    document_id = int(request.path_params["id"])
    async with admin.runtime.sessions() as db:
        document = await db.get(MaterialDocument, document_id)
        if document is None:
            return admin.not_found(officer)
        passages = await document_passages(db, document_id)
    return admin.pages.render(
        "knowledge_material_doc.html", officer.locale, officer=officer,
        active="knowledge", document=document, passages=passages,
    )


async def retire(admin: Admin, request: Request, officer: Officer) -> Response:
    """Retire a document (its passages stop answering in every process) or bring it back."""
    document_id = int(request.path_params["id"])
    retired = officer.field("retired", 5) != "0"
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        if not await set_retired(db, document_id, retired, admin.clock()):
            return admin.not_found(officer)
    if admin.runtime.services.material is not None:
        admin.runtime.services.material.invalidate()  # other processes notice within seconds
    done = "retired" if retired else "restored"
    return RedirectResponse(f"/admin/knowledge/material?done={done}", status_code=303)


async def to_faq(admin: Admin, request: Request, officer: Officer) -> Response:
    """A draft FAQ entry prefilled from a passage (its heading, text and page), then its form."""
    passage_id = int(request.path_params["id"])
    library = admin.runtime.services.knowledge
    current = library.rules.current if library and library.rules else "general"
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        seed = await faq_draft(db, passage_id)
        if seed is None:
            return admin.not_found(officer)
        key = f"mat-{passage_id}"
        if await store.find(db, "faq", key) is None:
            data = editing.draft_from_passage(key, seed, current)
            doc = editing.faq_doc(None, key, "faq/support.yaml", data)
            await store.change(db, library, doc, status=DRAFT, action="draft",  # type: ignore[arg-type]
                               author=author_of(officer), why=f"material passage {passage_id}",
                               now=admin.clock())
    return RedirectResponse(f"/admin/knowledge/faq/{key}", status_code=303)
