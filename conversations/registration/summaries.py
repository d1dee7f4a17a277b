"""Showing a profile and a product as text, from a form or from the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.registration.producer_store import certificate_expiry
from conversations.registration.profile_steps import ENTITY_LABELS
from conversations.registration.tables import STAGE_LABELS
from conversations.turn import Turn, library


def profile_text(turn: Turn, form: dict[str, Any], title: str = "") -> str:
    """The profile fields of `form` as a short block."""
    entity = ENTITY_LABELS.get(form.get("entity_type", ""), "")
    return turn.t.render(
        "profile.j2",
        title=title,
        representative=form.get("representative") or "—",
        producer_name=form.get("producer_name") or "—",
        entity_type=turn.t(entity) if entity else "—",
        phone=form.get("phone") or "—",
        commune=form.get("commune") or "—",
        province=form.get("province") or "—",
    )


def product_text(turn: Turn, form: dict[str, Any]) -> str:
    """The product fields of `form` as a short block."""
    products = library(turn).products
    lang = turn.t.locale
    group = products.group(form.get("product_group", ""))
    chosen = products.set(form.get("product_set") or "")
    decided = date.fromisoformat(form["decision_date"]) if form.get("decision_date") else None
    printed = date.fromisoformat(form["valid_until"]) if form.get("valid_until") else None
    expiry = certificate_expiry(decided, printed)
    stage = STAGE_LABELS.get(form.get("stage", ""), "")
    return turn.t.render(
        "product.j2",
        name=form.get("product_name") or "—",
        group=group.name[lang] if group else "—",
        set_name=chosen.name[lang] if chosen else "",
        stage=turn.t(stage) if stage else "—",
        stars=form.get("stars") if form.get("stage") == "rated" else None,
        decision_number=form.get("decision_number"),
        decision_date=turn.t.date(decided) if decided else "",
        expiry=turn.t.date(expiry) if expiry else "",
        estimated=expiry is not None and printed is None,
    )
