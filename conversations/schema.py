"""Every table of the domain model, gathered for migrations and tests."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel


def metadata() -> MetaData:
    """The metadata with every table module imported."""
    import conversations.announcements.broadcasts
    import conversations.channels.inbox
    import conversations.channels.tables
    import conversations.channels.tokens
    import conversations.curation.tables
    import conversations.faq.tables
    import conversations.material.tables
    import conversations.models
    import conversations.officers.roles
    import conversations.officers.tables
    import conversations.outbox
    import conversations.quiz.tables
    import conversations.registration.tables
    import conversations.reminders.tables  # noqa: F401

    return SQLModel.metadata
