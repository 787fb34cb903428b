"""the floor keeps no copy of the labels: hand-overs are scanned at shipping labels (issue 18 item 3)

Revision ID: 443d560154c9
Revises: 0bdbe56ecc0f
Create Date: 2026-12-03 10:48:23.516290
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '443d560154c9'
down_revision = '0bdbe56ecc0f'
branch_labels = None
depends_on = None


def upgrade():
    # Only the hand-over scan read it; shipping labels, which issues the numbers, decides hand-overs now.
    with op.batch_alter_table('waybills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waybills_order_no'))

    op.drop_table('waybills')


def downgrade():
    op.create_table('waybills',
    sa.Column('tracking_no', sa.VARCHAR(length=64), nullable=False),
    sa.Column('order_no', sa.VARCHAR(length=64), nullable=False),
    sa.Column('status', sa.VARCHAR(length=20), nullable=False),
    sa.Column('reason', sa.VARCHAR(length=500), nullable=True),
    sa.PrimaryKeyConstraint('tracking_no', name=op.f('pk_waybills'))
    )
    with op.batch_alter_table('waybills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waybills_order_no'), ['order_no'], unique=False)
