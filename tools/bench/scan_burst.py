"""The scanners' ceiling: how many scans per second picking & packing answers, and how fast.

In the order flow the stations only scan as fast as orders arrive (about four scans per order),
which says nothing about the scan API's capacity. So after the flow, M more orders are placed and
left until their goods are reserved; then K stations pick and pack them all at once, each as fast
as its answers come back (one `requests.Session` per station, over HTTP like a device).
"""
import threading
import time

import requests

from tools.bench import timeline, warehouse
from tools.bench.scanners import FloorStats, Station
from tools.bench.storefront_load import bench_orders, publish_orders

MAX_BURST = 500   # one page of GET /pick-lists


def run_scan_burst(suite, vhost, databases, count, stations, say):
    """FloorStats of the burst's scans (and its failures)."""
    count = min(count, MAX_BURST)
    stats = FloorStats()
    engine = databases.engine("picking_packing")
    ready_before = timeline.count_events(engine, "stock_reserved")
    warehouse.load_stock(suite, count)
    publish_orders(vhost.amqp_uri, bench_orders(count, databases.run_id + "S", seed=7))
    say(f"scan burst: {count} orders placed, waiting until their goods are reserved")
    deadline = time.monotonic() + 60 + count / 5
    while timeline.count_events(engine, "stock_reserved") < ready_before + count:
        if time.monotonic() > deadline:
            stats.failures.append("scan burst: the orders' goods were not all reserved in time")
            return stats
        time.sleep(0.2)
    work = _ready_pick_lists(suite, count)
    say(f"scan burst: {stations} stations picking and packing {len(work)} orders as fast as they can")
    threads = [threading.Thread(target=_station, args=(suite, k, work[k::stations], stats), daemon=True)
               for k in range(stations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return stats


def _ready_pick_lists(suite, count):
    token = suite.token("BENCH-SCREEN", "warehouse")
    answer = requests.get(suite.url("picking_packing", f"/pick-lists?status=ready&limit={count}"), timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return answer.json()["pick_lists"]


def _station(suite, k, entries, stats):
    floor_urls = suite.urls("picking_packing", "")
    station = Station(f"SB-{k + 1:02d}", floor_urls[k % len(floor_urls)], None, suite.token, None,
                      threading.Event(), stats)
    try:
        for entry in entries:
            station.pick_and_pack(entry)
    except requests.RequestException as exc:
        stats.failures.append(f"{station.station_id}: {exc}")
