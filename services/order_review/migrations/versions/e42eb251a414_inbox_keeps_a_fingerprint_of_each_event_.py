"""inbox keeps a fingerprint of each event's content

Revision ID: e42eb251a414
Revises: 8caa649ac966
Create Date: 2026-12-03 08:50:28.719361
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = 'e42eb251a414'
down_revision = '8caa649ac966'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
