"""The producers pages: search and filters, and one producer's file with checklist and messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.admin.context import Officer
from bot.web.cleaning import clean_text
from conversations.registration import directory
from conversations.registration.tables import ENTITY_TYPES, STAGES

if TYPE_CHECKING:
    from bot.admin.component import Admin


async def search(admin: Admin, request: Request, officer: Officer) -> Response:
    """The search form and its results (the first 50)."""
    params = request.query_params
    filters = directory.Filters(
        text=clean_text(params.get("q", ""))[:120],
        commune=clean_text(params.get("commune", ""))[:120],
        stage=params.get("stage", "") if params.get("stage") in STAGES else "",
        entity_type=params.get("type", "") if params.get("type") in ENTITY_TYPES else "",
    )
    async with admin.runtime.sessions() as db:
        found = await directory.search(db, filters)
    return admin.pages.render(
        "producers.html",
        officer.locale,
        officer=officer,
        active="producers",
        filters=filters,
        found=found,
        limit=directory.PAGE,
        communes=admin.runtime.services.knowledge.communes.names,
        stages=STAGES,
        entity_types=ENTITY_TYPES,
    )


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """One producer: profile, products, checklist with files, messages sent to them."""
    library = admin.runtime.services.knowledge
    async with admin.runtime.sessions() as db:
        found = await directory.producer_file(db, library, int(request.path_params["id"]))
    if found is None:
        return admin.not_found(officer)
    groups = {g.id: g.name.get(officer.locale) or g.name["vi"] for g in library.products.groups}
    return admin.pages.render(
        "producer.html",
        officer.locale,
        officer=officer,
        active="producers",
        file=found,
        groups=groups,
    )
