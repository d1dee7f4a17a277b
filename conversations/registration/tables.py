"""Producers (chủ thể OCOP), their products, and each product's dossier items and files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow
from conversations.i18n import N_

ENTITY_TYPES = ("enterprise", "cooperative", "cooperative_group", "household", "unregistered")
STAGES = ("idea", "producing", "rated")
STAGE_LABELS: dict[str, str] = {
    "idea": N_("💡 Just an idea"),
    "producing": N_("🏭 Producing, not rated yet"),
    "rated": N_("⭐ Already rated (OCOP stars)"),
}
ITEM_STATES = ("missing", "have", "in_progress", "dont_have", "skipped")


class Producer(SQLModel, table=True):
    """A producer, registered in chat or imported by officers; personal data can be erased."""

    __tablename__ = "producers"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", unique=True, index=True
    )
    representative: str = Field(default="", max_length=120)
    name: str = Field(default="", max_length=200)
    entity_type: str = Field(default="unregistered", max_length=24)
    phone: str | None = Field(default=None, max_length=15, index=True)
    province: str = Field(default="", max_length=80)
    commune: str = Field(default="", max_length=120)
    source: str = Field(default="chat", max_length=12)
    consent_at: datetime | None = None
    erased_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Product(SQLModel, table=True):
    """One product of a producer: its group and set, stage, and certificate if rated."""

    __tablename__ = "products"

    id: int | None = Field(default=None, primary_key=True)
    producer_id: int = Field(foreign_key="producers.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    group_id: str = Field(max_length=40)
    set_id: str | None = Field(default=None, max_length=60)
    stage: str = Field(default="idea", max_length=12)
    stars: int | None = None
    decision_number: str | None = Field(default=None, max_length=80)
    decision_date: date | None = None
    valid_until: date | None = None
    """The end of validity printed on the certificate, when the producer gave it."""
    expiry_date: date | None = Field(default=None, index=True)
    """When the certificate ends: `valid_until`, else estimated as decision date + 36 months."""
    evaluation_type: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DossierItem(SQLModel, table=True):
    """Where a product stands on one checklist item."""

    __tablename__ = "dossier_items"
    __table_args__ = (UniqueConstraint("product_id", "item_id", name="uq_dossier_item"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE", index=True)
    item_id: str = Field(max_length=60)
    status: str = Field(default="missing", max_length=12)
    updated_at: datetime = Field(default_factory=utcnow)


class DossierFile(SQLModel, table=True):
    """A photo or document a producer sent for a checklist item (a channel file reference)."""

    __tablename__ = "dossier_files"

    id: int | None = Field(default=None, primary_key=True)
    dossier_item_id: int = Field(foreign_key="dossier_items.id", ondelete="CASCADE", index=True)
    channel: str = Field(max_length=16)
    kind: str = Field(max_length=10)
    file_ref: str = Field(sa_column=Column(Text, nullable=False))
    """A channel file id, an upload id, or a URL (Zalo's can be long)."""
    mime_type: str = Field(default="", max_length=100)
    size: int = 0
    file_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
