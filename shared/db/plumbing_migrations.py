"""Migration steps of the plumbing tables (outbox, inbox, idempotent requests), which every
service's database has: each service's Alembic revision calls the same step."""
import sqlalchemy as sa
from alembic import op


def add_inbox_fingerprint():
    with op.batch_alter_table("inbox") as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))


def drop_inbox_fingerprint():
    with op.batch_alter_table("inbox") as batch_op:
        batch_op.drop_column("fingerprint")
