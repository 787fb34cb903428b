"""a wave can be called off by a supervisor (波次取消): who, when and why

Revision ID: c5e1a3b7d9f2
Revises: a7c3e5f9b1d2
Create Date: 2026-12-04 18:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from shared.db import UtcDateTime


revision = 'c5e1a3b7d9f2'
down_revision = 'a7c3e5f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=150), nullable=True))


def downgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('cancelled_by')
