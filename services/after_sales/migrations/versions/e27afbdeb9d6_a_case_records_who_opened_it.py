"""a case records who opened it (issue 17: the opener may not approve or refund it)

Revision ID: e27afbdeb9d6
Revises: d52d958540e8
Create Date: 2026-12-03 09:07:36.559759
"""
from alembic import op
import sqlalchemy as sa


revision = 'e27afbdeb9d6'
down_revision = 'd52d958540e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_by', sa.String(length=64), nullable=True))
    # Cases opened before this release: the actor of their "open" record (until now no case was
    # ever reassigned, so the assignee is the same person when that record is missing).
    op.execute("UPDATE refund_cases SET opened_by = COALESCE("
               "(SELECT actor FROM case_actions WHERE case_actions.case_id = refund_cases.id "
               "AND case_actions.action = 'open' ORDER BY case_actions.id LIMIT 1), assignee)")
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.alter_column('opened_by', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.drop_column('opened_by')
