"""A split's backorder (拆单) is known here, so that its parcel's news lands on the order it was split from

Revision ID: d4b6f8a0c2e1
Revises: b19c0a5e7d21
Create Date: 2026-12-04 21:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

import shared.db.types


revision = 'd4b6f8a0c2e1'
down_revision = 'b19c0a5e7d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'backorders',
        sa.Column('backorder_no', sa.String(length=64), nullable=False),
        sa.Column('order_no', sa.String(length=64), nullable=False),
        sa.Column('split_at', shared.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_no'], ['customer_orders.order_no'],
                                name=op.f('fk_backorders_order_no_customer_orders')),
        sa.PrimaryKeyConstraint('backorder_no', name=op.f('pk_backorders')),
    )
    with op.batch_alter_table('backorders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backorders_order_no'), ['order_no'], unique=False)


def downgrade():
    with op.batch_alter_table('backorders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backorders_order_no'))
    op.drop_table('backorders')
