"""conversations keep the last turn's replies (answered again when the message is redelivered)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('last_message_id', sqlmodel.sql.sqltypes.AutoString(length=128),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('last_replies', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('last_replies')
        batch.drop_column('last_message_id')
