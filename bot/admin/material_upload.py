"""Uploading training material on the dashboard: the file is read and stored in the background
by the same code as `ocop-bot knowledge add-material`, and a status page shows its progress."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin.context import Officer
from bot.channels.webchat.uploads import clean_name
from conversations.material.store import MAX_TITLE, Added, add_material, list_documents
from knowledge.material.document import Extracted

if TYPE_CHECKING:
    from bot.admin.component import Admin

FORM_SLACK = 64 * 1024
"""Bytes of a multipart body beside the file: boundaries, the title, the rule version, CSRF."""
REFRESH_SECONDS = 2


def body_limit(admin: Admin) -> int:
    """Largest upload body read: the largest file taken plus the form around it."""
    return admin.material_jobs.max_bytes + FORM_SLACK


async def render_index(admin: Admin, officer: Officer, *, status: int = 200, notice: str = "",
                       error: str = "") -> Response:
    """The material page with its upload form (and a refusal above it, if any)."""
    async with admin.runtime.sessions() as db:
        documents = await list_documents(db)
    return admin.pages.render(
        "knowledge_material.html", officer.locale, status=status, officer=officer,
        active="knowledge", documents=documents, notice=notice, error=error,
        limit_mb=admin.material_jobs.max_bytes // 2**20,
    )


async def too_large(admin: Admin, officer: Officer) -> Response:
    """The answer to a body over the limit (nothing of it was kept)."""
    return await render_index(admin, officer, status=413, error="too_large")


async def upload(admin: Admin, request: Request, officer: Officer) -> Response:
    """Take the posted file (CSRF already checked), start reading it, show its status page."""
    sent = officer.form.get("file") if officer.form is not None else None
    if not isinstance(sent, UploadFile) or not sent.filename:
        return await render_index(admin, officer, status=400, error="no_file")
    async with admin.runtime.sessions() as db, db.begin():
        if await admin.still_editor(db, officer) is None:
            return admin.forbidden(officer)
    name = clean_name(sent.filename)
    path = admin.material_jobs.new_path(PurePath(name).suffix.lower()[:12])
    await asyncio.to_thread(_copy, sent, path)
    await sent.close()
    title = officer.field("title", MAX_TITLE) or None
    rule_version = officer.field("rule_version", 80) or None
    material = admin.runtime.services.material

    async def store(extracted: Extracted) -> Added:
        async with admin.runtime.sessions() as db, db.begin():
            added = await add_material(
                db, extracted, file_name=name, now=admin.clock(), title=title,
                rule_version=rule_version, analyzer=material.analyzer if material else None,
            )
        if material is not None:
            material.invalidate()  # other processes notice within seconds
        return added

    assert officer.user.id is not None
    job = admin.material_jobs.start(owner=officer.user.id, path=path, file_name=name,
                                    store=store)
    return RedirectResponse(f"/admin/knowledge/material/jobs/{job.id}", status_code=303)


def _copy(sent: UploadFile, path: Path) -> None:
    """The spooled upload into the jobs' folder (blocking)."""
    sent.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(sent.file, out, 1 << 20)


async def status(admin: Admin, request: Request, officer: Officer) -> Response:
    """Where an upload is ("page X of Y"), refreshed every few seconds until it has ended."""
    assert officer.user.id is not None
    job = admin.material_jobs.get(str(request.path_params["job"]), officer.user.id)
    if job is None:
        return admin.not_found(officer)
    return admin.pages.render(
        "knowledge_material_job.html", officer.locale, officer=officer, active="knowledge",
        job=job, refresh=REFRESH_SECONDS if job.running else 0,
        limit_mb=admin.material_jobs.max_bytes // 2**20,
    )
