"""inbox keeps a fingerprint of each event's content

Revision ID: d42228f079c2
Revises: ab5ab4eabd22
Create Date: 2026-12-03 08:50:29.362037
"""
from shared.db.plumbing_migrations import add_inbox_fingerprint, drop_inbox_fingerprint


revision = 'd42228f079c2'
down_revision = 'ab5ab4eabd22'
branch_labels = None
depends_on = None


def upgrade():
    add_inbox_fingerprint()


def downgrade():
    drop_inbox_fingerprint()
