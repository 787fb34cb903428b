"""inbox keeps a fingerprint of each event's content

Revision ID: d52d958540e8
Revises: b1f44f41c1e9
Create Date: 2026-12-03 08:50:27.588024
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = 'd52d958540e8'
down_revision = 'b1f44f41c1e9'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
