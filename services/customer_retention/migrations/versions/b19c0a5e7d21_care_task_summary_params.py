"""A care task's summary as parameters of its kind, for the console to word in the reader's language (issue #19)

Revision ID: b19c0a5e7d21
Revises: fc341228a28d
Create Date: 2026-12-03 12:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b19c0a5e7d21'
down_revision = 'fc341228a28d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('care_tasks', schema=None) as batch_op:
        # Tasks opened before: no parameters (the console shows their kind and order).
        batch_op.add_column(sa.Column('summary_params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('care_tasks', schema=None) as batch_op:
        batch_op.drop_column('summary_params')
