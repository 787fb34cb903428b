"""COD call after a failed delivery; no delivery follow-up for a not-received order (issue 18)

Revision ID: fc341228a28d
Revises: 8ad08ce66a13
Create Date: 2026-12-03 09:42:37.793959
"""
from alembic import op
import sqlalchemy as sa


revision = 'fc341228a28d'
down_revision = '8ad08ce66a13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('recipient_phone', sa.String(length=40), nullable=True))
        # Orders recorded before: no claim known (a case opened from now on sets it).
        batch_op.add_column(sa.Column('delivery_disputed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

def downgrade():
    with op.batch_alter_table('customer_orders', schema=None) as batch_op:
        batch_op.drop_column('delivery_disputed')
        batch_op.drop_column('recipient_phone')
        batch_op.drop_column('recipient')

