"""return receipts for parcels returned to sender (issue 18 item 4)

Revision ID: 0bdbe56ecc0f
Revises: d42228f079c2
Create Date: 2026-12-03 09:48:57.236895
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0bdbe56ecc0f'
down_revision = 'd42228f079c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parcel_returns',
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('tracking_no', sa.String(length=64), nullable=False),
    sa.Column('payment_method', sa.String(length=10), nullable=False),
    sa.Column('returned_at', shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('inspected_by', sa.String(length=64), nullable=True),
    sa.Column('inspected_at', shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('remarks', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('order_no', name=op.f('pk_parcel_returns'))
    )
    with op.batch_alter_table('parcel_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parcel_returns_status'), ['status'], unique=False)

    op.create_table('parcel_return_lines',
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.CheckConstraint('qty > 0', name=op.f('ck_parcel_return_lines_qty_positive')),
    sa.ForeignKeyConstraint(['order_no'], ['parcel_returns.order_no'], name=op.f('fk_parcel_return_lines_order_no_parcel_returns')),
    sa.PrimaryKeyConstraint('order_no', 'sku', name=op.f('pk_parcel_return_lines'))
    )
    with op.batch_alter_table('defective_goods', schema=None) as batch_op:
        batch_op.alter_column('case_id',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)



def downgrade():
    with op.batch_alter_table('defective_goods', schema=None) as batch_op:
        batch_op.alter_column('case_id',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)

    op.drop_table('parcel_return_lines')
    with op.batch_alter_table('parcel_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parcel_returns_status'))

    op.drop_table('parcel_returns')
