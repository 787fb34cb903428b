"""platform refunds and the buyer's applications (issue 23: the platform executes the refund; the buyer applies)

Revision ID: 0e71dcbf882d
Revises: 4f7cd4a6669f
Create Date: 2026-12-03 18:27:52.361804
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0e71dcbf882d'
down_revision = '4f7cd4a6669f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_request_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('platform_state', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('platform_requested_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('platform_requested_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('platform_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('platform_timed_out_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('platform_answered_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('platform_refund_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('platform_refusal_code', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('platform_refusal_text', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_refund_cases_platform_requested_at'), ['platform_requested_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_refund_cases_platform_request_id'), ['platform_request_id'])


def downgrade():
    with op.batch_alter_table('refund_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_refund_cases_platform_request_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_refund_cases_platform_requested_at'))
        batch_op.drop_column('platform_refusal_text')
        batch_op.drop_column('platform_refusal_code')
        batch_op.drop_column('platform_refund_id')
        batch_op.drop_column('platform_answered_at')
        batch_op.drop_column('platform_timed_out_at')
        batch_op.drop_column('platform_attempts')
        batch_op.drop_column('platform_requested_by')
        batch_op.drop_column('platform_requested_at')
        batch_op.drop_column('platform_state')
        batch_op.drop_column('platform_request_id')
