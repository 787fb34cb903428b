"""A merge candidate's phone key drops a mainland mobile's country code (+86), as the blacklist does

Revision ID: f3a5c7e9b1d4
Revises: c5e1a3b7d9f2
Create Date: 2026-12-04 21:25:00.000000
"""
from alembic import op


revision = 'f3a5c7e9b1d4'
down_revision = 'c5e1a3b7d9f2'
branch_labels = None
depends_on = None


def upgrade():
    # shared.addresses.phone_key now keys '+86 138…' as '138…': keys written before match new ones.
    op.execute("UPDATE merge_candidates SET phone_key = substr(phone_key, 3) "
               "WHERE length(phone_key) = 13 AND phone_key LIKE '861%' "
               "AND substr(phone_key, 4, 1) IN ('3', '4', '5', '6', '7', '8', '9')")


def downgrade():
    pass   # both keys name the same number: nothing to undo
