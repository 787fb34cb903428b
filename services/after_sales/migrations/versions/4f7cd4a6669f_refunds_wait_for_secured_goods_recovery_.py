"""refunds wait for secured goods; recovery cases (issue 18 item 1)

Revision ID: 4f7cd4a6669f
Revises: e27afbdeb9d6
Create Date: 2026-12-03 09:40:05.788491
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '4f7cd4a6669f'
down_revision = 'e27afbdeb9d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secured_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('secured_how', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('secured_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('secured_reason', sa.String(length=2000), nullable=True))

    with op.batch_alter_table('sales_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goods_secured_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('goods_secured_how', sa.String(length=30), nullable=True))



def downgrade():
    with op.batch_alter_table('sales_orders', schema=None) as batch_op:
        batch_op.drop_column('goods_secured_how')
        batch_op.drop_column('goods_secured_at')

    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.drop_column('secured_reason')
        batch_op.drop_column('secured_by')
        batch_op.drop_column('secured_how')
        batch_op.drop_column('secured_at')

