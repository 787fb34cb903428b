"""Splits made before `order_split` existed are announced now (an outbox row each), so that after-sales and
customer retention learn those backorders; their dead-lettered shipping news can then be replayed

Revision ID: b2d4f6a8c0e3
Revises: 0728c70a9ec1
Create Date: 2026-12-04 21:30:00.000000
"""
import json
import uuid
from decimal import Decimal

from alembic import op
import sqlalchemy as sa

from shared.db.types import UtcDateTime
from shared.timeutil import to_iso, utcnow


revision = 'b2d4f6a8c0e3'
down_revision = '0728c70a9ec1'
branch_labels = None
depends_on = None

# The tables as this revision knows them (not the models: they move on).
splits = sa.table('order_splits', sa.column('order_no'), sa.column('backorder_no'), sa.column('lines', sa.JSON),
                  sa.column('status'), sa.column('settled_at', UtcDateTime))
orders = sa.table('review_orders', sa.column('order_no'), sa.column('customer_id'))
outbox = sa.table('outbox', sa.column('event_id'), sa.column('exchange'), sa.column('event_type'),
                  sa.column('aggregate_id'), sa.column('payload'), sa.column('created_at', UtcDateTime))
LINE_KEYS = ("sku", "name", "qty", "unit_price", "unit_weight_g")


def upgrade():
    connection, now = op.get_bind(), utcnow()
    done = connection.execute(
        sa.select(splits.c.order_no, splits.c.backorder_no, splits.c.lines, splits.c.settled_at, orders.c.customer_id)
        .select_from(splits.join(orders, orders.c.order_no == splits.c.order_no))
        .where(splits.c.status == 'done').order_by(splits.c.settled_at)).all()
    for split in done:
        lines = [{key: line[key] for key in LINE_KEYS} for line in split.lines]
        goods = sum((Decimal(str(line["unit_price"])) * line["qty"] for line in lines), Decimal("0.00"))
        event_id = str(uuid.uuid4())
        payload = {"event_id": event_id, "occurred_at": to_iso(now), "order_no": split.order_no,
                   "backorder_no": split.backorder_no, "customer_id": split.customer_id,
                   "lines": [{**line, "unit_price": f"{Decimal(str(line['unit_price'])):.2f}"} for line in lines],
                   "goods_amount": f"{goods:.2f}", "split_at": to_iso(split.settled_at or now)}
        connection.execute(outbox.insert().values(
            event_id=event_id, exchange="order_review.events", event_type="order_split",
            aggregate_id=split.order_no, payload=json.dumps(payload, ensure_ascii=False), created_at=now))


def downgrade():
    pass   # what was announced was heard
