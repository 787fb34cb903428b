"""What the storefront was told of each SKU's available quantity (storefront_stock_levels), against the stock.

A SKU is due when its available (on hand - reserved) differs from what was last sent, or nothing was: read with
one outer join, so every change of a stock row is found whatever wrote it, and the hot paths (reservations,
scans, shipments) write nothing more for the storefront.
"""
from typing import NamedTuple, Optional

import sqlalchemy as sa

from services.picking_packing.models import StockItem, StorefrontStockLevel
from shared.db.unit_of_work import insert_ignoring_duplicates

ITEMS, TOLD = StockItem.__table__, StorefrontStockLevel.__table__
_AVAILABLE = ITEMS.c.on_hand - ITEMS.c.reserved
_DUE = (sa.select(ITEMS.c.sku, _AVAILABLE.label("available"), TOLD.c.available.label("told"))
        .select_from(ITEMS.outerjoin(TOLD, TOLD.c.sku == ITEMS.c.sku))
        .where(sa.or_(TOLD.c.sku.is_(None), TOLD.c.available != _AVAILABLE)))
_ANY_DUE = sa.select(_DUE.with_only_columns(ITEMS.c.sku).limit(1).exists())
_RETELL = (sa.update(TOLD).where(TOLD.c.sku == sa.bindparam("b_sku"), TOLD.c.available == sa.bindparam("b_was"))
           .values(available=sa.bindparam("b_available"), sent_at=sa.bindparam("b_at")))


class Due(NamedTuple):
    sku: str
    available: int
    told: Optional[int]   # what the storefront was told last; None: never


def any_due(session):
    return bool(session.scalar(_ANY_DUE))


def due(session, limit):
    """[Due] of up to `limit` SKUs whose available the storefront has not been told, by SKU."""
    return [Due(*row) for row in session.execute(_DUE.order_by(ITEMS.c.sku).limit(limit))]


def mark_told(session, level, at):
    """Record that the storefront is told `level.available` if it still stands at `level.told` (False if another
    round told it first: that round's event carries it)."""
    if level.told is None:
        statement = insert_ignoring_duplicates(session.bind.dialect.name, TOLD).values(
            sku=level.sku, available=level.available, sent_at=at)
        return bool(session.execute(statement).rowcount)
    return bool(session.execute(_RETELL, {"b_sku": level.sku, "b_was": level.told,
                                          "b_available": level.available, "b_at": at}).rowcount)


def told(session, skus):
    """{sku: StorefrontStockLevel} of what the storefront was last told of these SKUs."""
    return {row.sku: row for row in session.scalars(sa.select(StorefrontStockLevel)
                                                    .where(StorefrontStockLevel.sku.in_(sorted(skus))))}
