"""The storefront's side: N auto-approvable orders published at a fixed rate, or as fast as it goes."""
import random
import time
from datetime import datetime, timezone

from kombu import Connection

from tools.storefront import make_order, publish


def bench_orders(count, run_id, seed=None, cod_share=0.0):
    """Orders review approves on its own: no remark, good phone and address, one order per customer."""
    rng = random.Random(seed)
    orders = []
    for n in range(count):
        event = make_order(rng, order_no=f"BN-{run_id}-{n:06d}", cod_share=cod_share, remark_share=0,
                           bad_phone_share=0, incomplete_share=0)
        event["order"]["customer"]["customer_id"] = f"BC-{run_id}-{n:06d}"   # no POSSIBLE_DUPLICATE
        orders.append(event)
    return orders


def publish_orders(amqp_uri, orders, rate=None, on_published=None):
    """Publish with confirms; `placed_at` is the moment of publishing. Returns {order_no: placed_at}."""
    placed = {}
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        started = time.monotonic()
        for n, event in enumerate(orders):
            if rate:
                time.sleep(max(0.0, started + n / rate - time.monotonic()))
            now = datetime.now(timezone.utc)
            stamp = now.isoformat().replace("+00:00", "Z")
            event["occurred_at"] = event["order"]["placed_at"] = stamp
            publish(connection, event)
            placed[event["order"]["order_no"]] = now
            if on_published:
                on_published(event)
    return placed
