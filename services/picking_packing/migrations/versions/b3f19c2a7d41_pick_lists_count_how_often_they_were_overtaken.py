"""pick lists count how often a later order overtook them (bounded FIFO, issue #23)

Revision ID: b3f19c2a7d41
Revises: 5c1e2a9b7d40
Create Date: 2026-12-04 04:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3f19c2a7d41'
down_revision = '5c1e2a9b7d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overtaken', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.drop_column('overtaken')
