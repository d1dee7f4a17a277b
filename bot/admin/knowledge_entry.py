"""Editing one FAQ entry: the form, a phone preview, "thử hỏi" on the draft, publish, retire,
restore an old revision, and a new entry from an inbox question."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from conversations.curation import editing, store
from conversations.curation.documents import Doc
from conversations.curation.live import library_from
from conversations.curation.tables import DRAFT, LIVE, RETIRED, KnowledgeRecord
from conversations.faq.chat import answer_message
from conversations.faq.tables import Escalation
from knowledge.faq import CONFIDENCES, ENTRY_ID, RULE_VERSIONS
from knowledge.library import Library
from knowledge.problems import Problem

if TYPE_CHECKING:
    from bot.admin.component import Admin

ACTIONS = ("preview", "try", "publish", "draft")


def author_of(officer: Officer) -> store.Author:
    """The dashboard user as the author of a change."""
    user = officer.user
    return store.Author(user.display_name or user.external_id, user.id)


async def _load(admin: Admin, key: str) -> tuple[KnowledgeRecord | None, list[Any]]:
    async with admin.runtime.sessions() as db:
        record = await store.find(db, "faq", key)
        found = await store.history(db, record.id) if record and record.id else []
        revisions = [v for v, _ in found]
        topics = [r for r in await store.all_records(db, LIVE) if r.kind == "faq_topic"]
    return record, [revisions, topics]


def _preview(
    admin: Admin, base: Library, docs: list[Doc], key: str, question: str
) -> tuple[list[Problem], Any, Any]:
    """Validate the candidate set; the phone message of the entry and, with a question, the
    real FAQ's answer to it over the draft (built in a thread by the caller)."""
    library, problems = library_from(base, docs)
    if problems:
        return problems, None, None
    entry = next((e for e in library.faq if e.id == key), None)
    index = library.faq_index()
    producers_language = "vi"
    texts = admin.runtime.services.catalogs.texts(producers_language)
    message = answer_message(texts, entry, index, library.rules) if entry else None
    tried = None
    if question:
        result = index.ask(question, "vi")
        if result.kind == "answer" and result.entry is not None:
            tried = answer_message(texts, result.entry, index, library.rules)
        else:
            tried = result
    return problems, message, tried


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """The edit form of one entry (with its history)."""
    key = str(request.path_params["key"])
    record, (revisions, topics) = await _load(admin, key)
    if record is None:
        return admin.not_found(officer)
    data = Doc(record.kind, record.key, record.file, 0, record.body).data or {}
    notice = request.query_params.get("done", "")
    return _form(admin, officer, record, data, revisions, topics, notice=notice)


def _form(
    admin: Admin,
    officer: Officer,
    record: KnowledgeRecord,
    data: dict[str, Any],
    revisions: list[Any],
    topics: list[KnowledgeRecord],
    *,
    status: int = 200,
    notice: str = "",
    problems: list[Problem] | None = None,
    message: Any = None,
    tried: Any = None,
    question: str = "",
    why: str = "",
) -> Response:
    return admin.pages.render(
        "knowledge_entry.html",
        officer.locale,
        status=status,
        officer=officer,
        active="knowledge",
        record=record,
        values=editing.faq_form(data),
        revisions=list(reversed(revisions)),
        topics=topics,
        rule_versions=sorted(RULE_VERSIONS),
        confidences=sorted(CONFIDENCES),
        problems=problems or [],
        message=message,
        tried=tried,
        question=question,
        why=why,
        notice=notice,
    )


async def post(admin: Admin, request: Request, officer: Officer) -> Response:
    """Preview, try, save as draft or publish the posted form."""
    key = str(request.path_params["key"])
    action = officer.field("action", 20)
    record, (revisions, topics) = await _load(admin, key)
    if record is None or action not in ACTIONS:
        return admin.not_found(officer)
    old = Doc(record.kind, record.key, record.file, 0, record.body).data or {}
    data = editing.apply_faq_form(old, officer.field)
    file = record.file
    topic = officer.field("topic", 120)
    if record.status == DRAFT and topic in {t.key for t in topics}:
        file = topic
    doc = editing.faq_doc(record, key, file, data)
    base = admin.runtime.services.knowledge
    assert base is not None
    question = officer.field("question", 400)
    why = officer.field("why", 500)
    if action in ("preview", "try"):
        async with admin.runtime.sessions() as db:
            others = [d for d in await store.live_docs(db) if (d.kind, d.key) != ("faq", key)]
        problems, message, tried = await asyncio.to_thread(
            _preview, admin, base, [*others, doc], key, question if action == "try" else ""
        )
        return _form(admin, officer, record, data, revisions, topics, problems=problems,
                     message=message, tried=tried, question=question, why=why,
                     status=422 if problems else 200)
    status = LIVE if action == "publish" else DRAFT
    if status == DRAFT and record.status != DRAFT:
        return admin.not_found(officer)
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        problems = await store.change(
            db, base, doc, status=status, action="publish" if status == LIVE else "draft",
            author=author_of(officer), why=why, now=admin.clock(),
        )
    if problems:
        return _form(admin, officer, record, data, revisions, topics, problems=problems,
                     status=422, why=why)
    return RedirectResponse(f"/admin/knowledge/faq/{key}?done={action}", status_code=303)


async def retire(admin: Admin, request: Request, officer: Officer) -> Response:
    """Take an entry out of the answers (refused while other entries point to it)."""
    key = str(request.path_params["key"])
    base = admin.runtime.services.knowledge
    assert base is not None
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        record = await store.find(db, "faq", key)
        if record is None:
            return admin.not_found(officer)
        doc = Doc(record.kind, record.key, record.file, record.position, record.body)
        problems = await store.change(
            db, base, doc, status=RETIRED, action="retire", author=author_of(officer),
            why=officer.field("why", 500), now=admin.clock(),
        )
    if problems:
        record, (revisions, topics) = await _load(admin, key)
        assert record is not None
        data = Doc(record.kind, record.key, record.file, 0, record.body).data or {}
        return _form(admin, officer, record, data, revisions, topics, problems=problems,
                     status=422)
    return RedirectResponse(f"/admin/knowledge/faq/{key}?done=retire", status_code=303)


async def restore(admin: Admin, request: Request, officer: Officer) -> Response:
    """Publish an old revision's text again (validated like any edit)."""
    revision_id = int(request.path_params["id"])
    base = admin.runtime.services.knowledge
    assert base is not None
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        problems = await store.restore(db, base, revision_id, author_of(officer), admin.clock())
        target = await store.record_of_revision(db, revision_id)
    if problems is None or target is None:
        return admin.not_found(officer)
    where = "/admin/knowledge/history"
    if target.kind == "faq":
        where = f"/admin/knowledge/faq/{target.key}"
    if problems:
        return admin.pages.render(
            "error.html", officer.locale, status=422, officer=officer,
            message="; ".join(str(p) for p in problems),
        )
    return RedirectResponse(f"{where}?done=restore", status_code=303)


async def from_question(admin: Admin, request: Request, officer: Officer) -> Response:
    """A draft entry from an answered inbox question, then its edit form."""
    escalation_id = int(request.path_params["id"])
    library = admin.runtime.services.knowledge
    current = library.rules.current if library and library.rules else "general"
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
        escalation = await db.get(Escalation, escalation_id)
        if escalation is None or not escalation.answer:
            return admin.not_found(officer)
        data = editing.draft_from_question(escalation, current)
        key = str(data["id"])
        assert ENTRY_ID.match(key)
        if await store.find(db, "faq", key) is None:
            file = await _topic_for(db, library, escalation)
            doc = editing.faq_doc(None, key, file, data)
            await store.change(db, library, doc, status=DRAFT, action="draft",
                               author=author_of(officer), why=f"inbox question {escalation_id}",
                               now=admin.clock())  # type: ignore[arg-type]
    return RedirectResponse(f"/admin/knowledge/faq/{key}", status_code=303)


async def _topic_for(db: Any, library: Library | None, escalation: Escalation) -> str:
    """The topic file of the question's closest entry, else the first topic."""
    if escalation.closest_entry:
        closest = await store.find(db, "faq", escalation.closest_entry)
        if closest is not None:
            return closest.file
    topics = [r for r in await store.all_records(db, LIVE) if r.kind == "faq_topic"]
    return topics[0].file if topics else "faq/support.yaml"
