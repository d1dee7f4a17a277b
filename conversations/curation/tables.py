"""The knowledge tables: one row per record (YAML text), its revisions, seed conflicts, version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow

LIVE = "live"
DRAFT = "draft"
RETIRED = "retired"
STATUSES = (LIVE, DRAFT, RETIRED)


class KnowledgeRecord(SQLModel, table=True):
    """One FAQ entry, checklist item, milestone or regime (or a file's head: its other keys).

    `body` is the record's YAML mapping as it is written in the content files, so fields that
    the loaders learn later round-trip untouched. `seed_hash` is the hash of the seed text last
    applied; `edited` says an officer changed it since, so a newer seed does not overwrite it.
    """

    __tablename__ = "knowledge_records"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    key: str = Field(max_length=120)
    file: str = Field(max_length=120)
    position: int = 0
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=LIVE, max_length=10)
    revision: int = 1
    seed_hash: str | None = Field(default=None, max_length=64)
    edited: bool = False
    updated_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)


class KnowledgeRevision(SQLModel, table=True):
    """One change of a record: who, when, why, and the text and status before and after."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (UniqueConstraint("record_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="knowledge_records.id", ondelete="CASCADE", index=True)
    number: int
    action: str = Field(max_length=12)
    who: str = Field(max_length=120)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    why: str = Field(default="", max_length=500)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status_before: str | None = Field(default=None, max_length=10)
    status_after: str = Field(max_length=10)
    at: datetime = Field(default_factory=utcnow, index=True)


class KnowledgeConflict(SQLModel, table=True):
    """A newer seed that was not applied because an officer had edited the record."""

    __tablename__ = "knowledge_conflicts"
    __table_args__ = (UniqueConstraint("record_id", "seed_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="knowledge_records.id", ondelete="CASCADE", index=True)
    seed_hash: str = Field(max_length=64)
    seed_body: str = Field(sa_column=Column(Text, nullable=False))
    found_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None


class KnowledgeVersion(SQLModel, table=True):
    """The single row every process polls: `version` grows with each published change."""

    __tablename__ = "knowledge_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    seed_hash: str | None = Field(default=None, max_length=64)
    changed_at: datetime = Field(default_factory=utcnow)
