"""inbox keeps a fingerprint of each event's content

Revision ID: ed6402ce0300
Revises: 1a592dc5fd3a
Create Date: 2026-12-03 08:50:30.427153
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = 'ed6402ce0300'
down_revision = '1a592dc5fd3a'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
