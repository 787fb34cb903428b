"""holds keep their parameters and how they were released; hand-over and delivery heard from shipping

Revision ID: 2603ce784944
Revises: e42eb251a414
Create Date: 2026-12-03 12:10:00.705151
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '2603ce784944'
down_revision = 'e42eb251a414'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('released_how', sa.String(length=20), nullable=True))

    with op.batch_alter_table('review_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_over_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('review_orders', schema=None) as batch_op:
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('handed_over_at')

    with op.batch_alter_table('order_holds', schema=None) as batch_op:
        batch_op.drop_column('released_how')
        batch_op.drop_column('params')
