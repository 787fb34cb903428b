"""a label keeps its route, price and recipient; refused late changes are flagged

Revision ID: 3dbb45c226fc
Revises: 4499352e8170
Create Date: 2026-12-03 09:30:05.701512
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '3dbb45c226fc'
down_revision = '4499352e8170'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_refused', sa.String(length=400), nullable=True))
    with op.batch_alter_table('waybills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('cost', shared.db.types.Money(), nullable=True))
        batch_op.add_column(sa.Column('recipient', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('waybills', schema=None) as batch_op:
        batch_op.drop_column('recipient')
        batch_op.drop_column('cost')
        batch_op.drop_column('zone')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_column('change_refused')
