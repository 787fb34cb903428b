"""COD remittance statements; delivery, return and last scan times; stuck parcels

Revision ID: 3a72918018c0
Revises: 3dbb45c226fc
Create Date: 2026-12-03 10:10:36.837746
"""
from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '3a72918018c0'
down_revision = '3dbb45c226fc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remittance_statements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('carrier', sa.String(length=20), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('total', shared.db.types.Money(), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('imported_at', shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_statements')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_remittance_statements_fingerprint'))
    )
    with op.batch_alter_table('remittance_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remittance_statements_carrier'), ['carrier'], unique=False)

    op.create_table('remittance_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('tracking_no', sa.String(length=40), nullable=False),
    sa.Column('amount', shared.db.types.Money(), nullable=False),
    sa.Column('remitted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['remittance_statements.id'], name=op.f('fk_remittance_lines_statement_id_remittance_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_lines'))
    )
    with op.batch_alter_table('remittance_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remittance_lines_remitted_on'), ['remitted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_remittance_lines_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remittance_lines_tracking_no'), ['tracking_no'], unique=False)

    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('returned_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_scan_at', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('stuck_reported_for', shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_shipments_delivered_at'), ['delivered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_returned_at'), ['returned_at'], unique=False)
    _times_from_the_scans_already_stored()


def _times_from_the_scans_already_stored():
    """Parcels delivered, returned or scanned before this release get their times from their scans."""
    for column, scan, status in (("delivered_at", "delivered", "delivered"),
                                 ("returned_at", "returned_to_sender", "returned")):
        op.execute(f"UPDATE shipments SET {column} = (SELECT MIN(t.occurred_at) FROM tracking_events t "
                   f"WHERE t.order_no = shipments.order_no AND t.status = '{scan}') WHERE status = '{status}'")
    op.execute("UPDATE shipments SET last_scan_at = (SELECT MAX(t.occurred_at) FROM tracking_events t "
               "WHERE t.order_no = shipments.order_no)")


def downgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_returned_at'))
        batch_op.drop_index(batch_op.f('ix_shipments_delivered_at'))
        batch_op.drop_column('stuck_reported_for')
        batch_op.drop_column('last_scan_at')
        batch_op.drop_column('returned_at')
        batch_op.drop_column('delivered_at')

    with op.batch_alter_table('remittance_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remittance_lines_tracking_no'))
        batch_op.drop_index(batch_op.f('ix_remittance_lines_statement_id'))
        batch_op.drop_index(batch_op.f('ix_remittance_lines_remitted_on'))

    op.drop_table('remittance_lines')
    with op.batch_alter_table('remittance_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remittance_statements_carrier'))

    op.drop_table('remittance_statements')
