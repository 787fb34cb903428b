"""inbox keeps a fingerprint of each event's content

Revision ID: 4499352e8170
Revises: 3e06818f7eac
Create Date: 2026-12-03 08:50:29.907471
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = '4499352e8170'
down_revision = '3e06818f7eac'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
