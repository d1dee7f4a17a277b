"""Core tables: users, conversation state, processed message ids, channel stores.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:36:50.595815
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "processed_messages",
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("processed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_id"),
    )
    with op.batch_alter_table("processed_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_messages_processed_at"), ["processed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_processed_messages_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "sent_polls",
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("poll_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("user_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "poll_id"),
    )
    with op.batch_alter_table("sent_polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_polls_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sent_polls_user_key"), ["user_key"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("locale_chosen", sa.Boolean(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_inbound_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "external_id", name="uq_users_channel_ext"),
    )
    op.create_table(
        "web_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("web_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_messages_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_web_messages_user_key"), ["user_key"], unique=False)

    op.create_table(
        "conversations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:

    op.drop_table("conversations")
    with op.batch_alter_table("web_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_messages_user_key"))
        batch_op.drop_index(batch_op.f("ix_web_messages_created_at"))

    op.drop_table("web_messages")
    op.drop_table("users")
    with op.batch_alter_table("sent_polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_polls_user_key"))
        batch_op.drop_index(batch_op.f("ix_sent_polls_created_at"))

    op.drop_table("sent_polls")
    with op.batch_alter_table("processed_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_messages_user_id"))
        batch_op.drop_index(batch_op.f("ix_processed_messages_processed_at"))

    op.drop_table("processed_messages")
