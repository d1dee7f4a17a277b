"""delivery reasons and reply quota

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reply_quotas',
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('window_from', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('quota_type', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('remain', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'user_key')
    )
    with op.batch_alter_table('reply_quotas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_quotas_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('reply_quotas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_quotas_updated_at'))
    op.drop_table('reply_quotas')
