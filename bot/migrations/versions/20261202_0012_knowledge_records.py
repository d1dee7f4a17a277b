"""knowledge records, revisions, seed conflicts and the polled version row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:50:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('file', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('seed_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key')
    )
    with op.batch_alter_table('knowledge_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_records_kind'), ['kind'], unique=False)

    op.create_table('knowledge_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('why', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('status_before', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('status_after', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['knowledge_records.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'number')
    )
    with op.batch_alter_table('knowledge_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_revisions_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_revisions_record_id'), ['record_id'], unique=False)

    op.create_table('knowledge_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seed_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seed_body', sa.Text(), nullable=False),
    sa.Column('found_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['knowledge_records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'seed_hash')
    )
    with op.batch_alter_table('knowledge_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_conflicts_record_id'), ['record_id'], unique=False)

    version = op.create_table('knowledge_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('seed_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(version, [{'id': 1, 'version': 0, 'seed_hash': None, 'changed_at': datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table('knowledge_version')
    with op.batch_alter_table('knowledge_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_conflicts_record_id'))
    op.drop_table('knowledge_conflicts')
    with op.batch_alter_table('knowledge_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_revisions_record_id'))
        batch_op.drop_index(batch_op.f('ix_knowledge_revisions_at'))
    op.drop_table('knowledge_revisions')
    with op.batch_alter_table('knowledge_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_records_kind'))
    op.drop_table('knowledge_records')
