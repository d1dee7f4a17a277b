"""FAQ feedback, questions escalated to officers; dossier file references as text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 00:54:57.561698
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("closest_entry", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_feedback_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.alter_column(
            "file_ref",
            existing_type=sa.VARCHAR(length=300),
            type_=sa.Text(),
            existing_nullable=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.alter_column(
            "file_ref",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=300),
            existing_nullable=False,
        )

    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_feedback_entry_id"))

    op.drop_table("faq_feedback")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_user_id"))
        batch_op.drop_index(batch_op.f("ix_escalations_status"))
        batch_op.drop_index(batch_op.f("ix_escalations_created_at"))

    op.drop_table("escalations")
