"""inbox keeps a fingerprint of each event's content

Revision ID: 8ad08ce66a13
Revises: ca5525397bb4
Create Date: 2026-12-03 08:50:28.196310
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = '8ad08ce66a13'
down_revision = 'ca5525397bb4'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
