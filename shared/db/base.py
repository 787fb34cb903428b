"""Each service's declarative base, with the plumbing tables every service has.

The outbox, inbox and idempotency tables live in each service's own database
and metadata, so a state change, its outgoing events, the event it consumed and
the HTTP answer it gave all commit in one transaction.
"""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from shared.db.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def plumbing_tables(metadata):
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("exchange", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("aggregate_id", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=True, index=True),
    )
    inbox = sa.Table(
        "inbox", metadata,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        # sha256 of the event's content: the same id with other content is not a duplicate.
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("processed_at", UtcDateTime, nullable=False),
    )
    idempotency = sa.Table(
        "idempotent_requests", metadata,
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    return outbox, inbox, idempotency


def make_base():
    """A fresh DeclarativeBase for one service, plumbing tables included."""
    service_metadata = sa.MetaData(naming_convention=NAMING)
    plumbing_tables(service_metadata)

    class Base(DeclarativeBase):
        metadata = service_metadata

    return Base
