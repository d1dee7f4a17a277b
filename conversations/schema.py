"""Every table of the domain model, gathered for migrations and tests."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel


def metadata() -> MetaData:
    """The metadata with every table module imported."""
    import conversations.admin_models
    import conversations.broadcasts
    import conversations.channel_inbox
    import conversations.channel_store
    import conversations.channel_tokens
    import conversations.faq_models
    import conversations.models
    import conversations.officers
    import conversations.outbox
    import conversations.producers
    import conversations.quiz_models  # noqa: F401

    return SQLModel.metadata
