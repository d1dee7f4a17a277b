"""CSV and XLSX downloads of producers, products and dossiers (the same as `ocop-bot export`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.admin.context import Officer
from bot.tables import write_table
from conversations.registration.exchange import export_rows

if TYPE_CHECKING:
    from bot.admin.component import Admin

KINDS = ("producers", "products", "dossiers")
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def download(admin: Admin, request: Request, officer: Officer) -> Response:
    """The table as a file named after its kind and today's date."""
    kind, fmt = request.path_params["kind"], request.path_params["fmt"]
    if kind not in KINDS or fmt not in TYPES:
        return admin.not_found(officer)
    async with admin.runtime.sessions() as db:
        rows = await export_rows(db, kind, admin.runtime.services.knowledge)
    data = write_table(rows, fmt, None) or b""
    today = admin.clock().astimezone(admin.runtime.services.timezone).date().isoformat()
    return Response(
        data,
        media_type=TYPES[fmt],
        headers={
            "content-disposition": f'attachment; filename="ocop-{kind}-{today}.{fmt}"',
            "x-content-type-options": "nosniff",
            "cache-control": "private, no-store",
        },
    )
