"""Stock levels back to the storefront (issue #23): so it stops selling what isn't there.

The storefront is told each SKU's available quantity (on hand - reserved: what no order holds yet) whenever it
changed: a reservation, a cancellation's release, a receipt, a count, a shipment, a return, anything that moves a
stock row. Debounced: the changes are collected and sent in rounds, at most one per
`STOCK_LEVELS_DEBOUNCE_SECONDS` (the service's timer), each one `stock_levels_changed` carrying every SKU that
changed since (up to 500 an event, several events when more), through the outbox. A SKU is due when its available
differs from what was last sent (`storage.storefront_levels`), so ten reservations within a round are one level,
and a change undone within the round sends nothing. The first round sends every SKU never sent.
"""
from contracts.storefront_feed import MAX_LEVELS_PER_EVENT
from services.picking_packing.storage import storefront_levels as stored

MAX_LEVELS_PER_ROUND = 10 * MAX_LEVELS_PER_EVENT   # the rest waits for the next round


def anything_to_tell(session):
    return stored.any_due(session)


def tell_storefront(uow, now):
    """One round: every SKU whose available the storefront has not been told yet, in `stock_levels_changed`
    events read at `now`. Returns {sku: available} told."""
    told = [level for level in stored.due(uow.session, MAX_LEVELS_PER_ROUND)
            if stored.mark_told(uow.session, level, now)]
    for start in range(0, len(told), MAX_LEVELS_PER_EVENT):
        uow.publish("stock_levels_changed", {
            "as_of": now,
            "levels": [{"sku": level.sku, "available": level.available}
                       for level in told[start:start + MAX_LEVELS_PER_EVENT]],
        }, aggregate_id="stock_levels")
    return {level.sku: level.available for level in told}


def last_told(session, skus):
    """{sku: {available, sent_at}}: what the storefront was last told of these SKUs (a SKU never told is absent)."""
    return {sku: {"available": row.available, "sent_at": row.sent_at}
            for sku, row in stored.told(session, skus).items()}
