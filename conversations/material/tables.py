"""Material tables: a document (by title), its versions (by file checksum), pages, passages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class MaterialDocument(SQLModel, table=True):
    """A training document by its title; a new file under the same title is a new version."""

    __tablename__ = "material_documents"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300, unique=True)
    rule_version: str = Field(default="", max_length=80)
    current_version: int = 0
    """Number of the version whose passages are served (1, 2, …)."""
    retired: bool = False
    """A retired document answers nothing; its rows stay for the record."""
    created_at: datetime = Field(default_factory=utcnow)
    changed_at: datetime = Field(default_factory=utcnow, index=True)


class MaterialVersion(SQLModel, table=True):
    """One file added as a document's version; the same file (checksum) is never added twice."""

    __tablename__ = "material_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_material_version"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="material_documents.id", ondelete="CASCADE", index=True)
    number: int
    checksum: str = Field(max_length=64, unique=True)
    file_name: str = Field(max_length=300)
    kind: str = Field(max_length=12)
    size_bytes: int
    pages: int
    passages: int
    rule_version: str = Field(default="", max_length=80)
    added_at: datetime = Field(default_factory=utcnow)
    replaced_at: datetime | None = None


class MaterialPage(SQLModel, table=True):
    """The text of one page (or slide) of a version, kept for every version."""

    __tablename__ = "material_pages"
    __table_args__ = (UniqueConstraint("version_id", "number", name="uq_material_page"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="material_versions.id", ondelete="CASCADE", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class MaterialPassage(SQLModel, table=True):
    """A few sentences of a page under their heading, searched and quoted; current version only."""

    __tablename__ = "material_passages"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="material_documents.id", ondelete="CASCADE", index=True)
    version_id: int = Field(foreign_key="material_versions.id", ondelete="CASCADE")
    page: int
    position: int
    heading: str = Field(default="", max_length=300)
    text: str = Field(sa_column=Column(Text, nullable=False))
    answered: int = 0
    """How many times this passage answered a question in chat."""
    terms: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The passage's analysed text (`knowledge.material.search.PassageAnalyzer`), stored at
    ingest so that building the index does not analyse it again."""
    terms_key: str = Field(default="", max_length=16)
    """The analyzer key `terms` was made with; another key means analyse again."""
