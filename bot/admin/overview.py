"""The overview page: producers, dossiers, expiring certificates, questions and quiz at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.admin import charts, labels
from bot.admin.context import Officer
from conversations.channels import delivery, quota
from conversations.officers import dashboard, inbox

if TYPE_CHECKING:
    from bot.admin.component import Admin


async def show(admin: Admin, request: Request, officer: Officer) -> Response:
    """Count everything and draw the charts."""
    services = admin.runtime.services
    library = services.knowledge
    t = officer.texts
    async with admin.runtime.sessions() as db:
        numbers = await dashboard.overview(db, library, admin.clock(), services.timezone)
        waiting = await inbox.open_count(db)
        sending = await delivery.health(db, admin.clock())
        allowance = await quota.summary(db, "zalo", admin.clock())
    uploads = admin.uploads
    uploads_used = await uploads.usage()

    def named(rows: list[tuple[str, int]], table: dict[str, str]) -> list[tuple[str, int]]:
        return [(t(labels.label(table, code)), n) for code, n in rows]

    stages = {**labels.STAGES, dashboard.NO_PRODUCT: labels.NO_PRODUCT}
    items = {i.id: i.name.get(officer.locale) or i.name["vi"] for i in library.checklist.items}
    communes = [(c or t("(no commune)"), n) for c, n in numbers.by_commune[:15]]
    other = sum(n for _, n in numbers.by_commune[15:])
    if other:
        communes.append((t("Other communes"), other))
    svg = {
        "communes": charts.bars(communes, t("Producers by commune")),
        "entities": charts.bars(
            named(numbers.by_entity, labels.ENTITY_TYPES), t("Producers by type")
        ),
        "stages": charts.bars(named(numbers.by_stage, stages), t("Producers by stage")),
        "producer_steps": charts.bars(
            named(numbers.producer_steps, labels.COMPLETENESS), t("Producers by dossier progress")
        ),
        "product_steps": charts.bars(
            named(numbers.product_steps, labels.PRODUCT_STEPS), t("Products by dossier progress")
        ),
        "missing": charts.bars(
            [(items.get(code, code), n) for code, n in numbers.missing],
            t("Most often missing items"),
        ),
        "days": charts.columns(
            numbers.days,
            t("Questions per day"),
            t("Passed to officers"),
            t("Answer ratings"),
        ),
        "courses": charts.bars(
            [(c.name or t("Topic quizzes and reviews"), c.answers) for c in numbers.courses],
            t("Quiz answers per course"),
        ),
    }
    return admin.pages.render(
        "overview.html",
        officer.locale,
        officer=officer,
        active="overview",
        numbers=numbers,
        waiting=waiting,
        sending=sending,
        allowance=allowance,
        free_replies=quota.FREE_REPLIES,
        uploads_used=_megabytes(uploads_used),
        uploads_quota=_megabytes(uploads.quota),
        uploads_full=uploads.full_at(uploads_used),
        reason_label=lambda code: t(labels.label(labels.DELIVERY_REASONS, code)),
        svg=svg,
        percent=_percent,
    )


def _percent(part: int, whole: int) -> int:
    """`part` as a whole percentage of `whole` (0 when there is nothing)."""
    return round(100 * part / whole) if whole else 0


def _megabytes(size: int) -> int:
    """`size` bytes in whole megabytes, rounded up (a few bytes show as 1 MB, not 0)."""
    return -(-size // 1024**2)
