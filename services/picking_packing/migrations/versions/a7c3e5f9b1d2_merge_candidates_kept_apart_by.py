"""merge candidates remember who split their group by hand (拆开合单): not offered or merged automatically again

Revision ID: a7c3e5f9b1d2
Revises: 9d4e6f1a2b3c
Create Date: 2026-12-04 17:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e5f9b1d2'
down_revision = '9d4e6f1a2b3c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('merge_candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_apart_by', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('merge_candidates', schema=None) as batch_op:
        batch_op.drop_column('kept_apart_by')
