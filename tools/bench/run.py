"""One benchmark run, start to finish; everything it started is stopped and deleted, even on error."""
import os
import secrets
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from tools.bench import figures, floor, timeline, warehouse
from tools.bench.broker import Vhost
from tools.bench.databases import DEFAULT_POSTGRES_URL, Databases
from tools.bench.scanners import Floor
from tools.bench.storefront_load import bench_orders, publish_orders
from tools.bench.suite import Suite
from tools.bench.competing import sharing_evidence


@dataclass
class Options:
    orders: int = 500
    rate: float = 50.0            # orders per second; 0 = as fast as it goes
    stations: int = 4
    postgres: bool = False
    postgres_url: str = DEFAULT_POSTGRES_URL
    instances: int = 1            # processes per service (competing consumers)
    floor: bool = True
    timeout: float = None         # seconds to wait for every order to ship
    log_dir: str = None
    extra_env: dict = None

    def wait_limit(self):
        if self.timeout:
            return self.timeout
        publishing = self.orders / self.rate if self.rate else self.orders / 100
        return 60 + 3 * publishing


def run(options, say=print):
    started_at = datetime.now(timezone.utc)
    log_dir = options.log_dir or tempfile.mkdtemp(prefix="bench-logs-")
    report = {"run": {"started_at": started_at.isoformat().replace("+00:00", "Z"), "orders": options.orders,
                      "rate": options.rate or "max", "stations": options.stations,
                      "backend": "postgresql" if options.postgres else "sqlite", "instances": options.instances,
                      "cpus": os.cpu_count(), "logs": log_dir}}
    with ExitStack() as stack:
        vhost = stack.enter_context(Vhost())
        databases = stack.enter_context(Databases(options.postgres_url if options.postgres else None))
        suite = stack.enter_context(Suite(vhost.amqp_uri, databases.urls, secrets.token_hex(32), log_dir,
                                          options.instances, _service_env(options)))
        say(f"vhost {vhost.name}, {databases.backend} databases; migrating and declaring")
        suite.deploy()
        suite.start()
        suite.wait_healthy()
        say(f"{len(suite.processes)} service processes healthy; loading stock and waybill ranges")
        warehouse.load_stock(suite, options.orders)
        warehouse.load_waybill_ranges(suite, options.orders)
        cpu_before = suite.cpu_seconds()
        orders, placed, floor_stats = _flow(options, suite, vhost, databases, say)
        report["cpu_ms_per_order"] = {
            service: round(1000 * (seconds - cpu_before.get(service, 0.0)) / max(1, options.orders), 1)
            for service, seconds in suite.cpu_seconds().items()}
        engines = {service: databases.engine(service) for service in databases.urls}
        stages, repeats = timeline.read(engines, placed)
        floor_stats.failures += warehouse.stock_problems(suite, orders, stages)
        report["memory_peak_kb"] = suite.peak_memory_kb()
        if options.instances > 1:
            report["competing_consumers"] = sharing_evidence(vhost, options.instances)
        suite.terminate()   # they take a few seconds to stop: the floor runs meanwhile
        report.update(_figures(stages, floor_stats, repeats, options))
        if options.floor:
            say("the floor: bare kombu relay")
            report["floor"] = floor.run_floor(vhost.amqp_uri, log_dir, options.orders)
            shipped = report["throughput"]["placed_to_shipped"]["sustained_per_s"]
            floor_rate = report["floor"]["sustained_per_s"]
            report["floor"]["suite_fraction"] = round(shipped / floor_rate, 3) if shipped and floor_rate else None
    return report


def _service_env(options):
    """Production config; with several instances the same workers per service in total (one machine)."""
    env = dict(options.extra_env or {})
    if options.instances > 1 and "MAX_WORKERS" not in os.environ:
        env.setdefault("MAX_WORKERS", str(max(1, 10 // options.instances)))
    return env


def _flow(options, suite, vhost, databases, say):
    """Publish the orders while the stations work; wait until every order shipped (or the limit)."""
    orders = bench_orders(options.orders, databases.run_id)
    floor_crew = Floor(suite, options.stations)
    floor_crew.start()
    placed = {}
    publisher = threading.Thread(target=lambda: placed.update(
        publish_orders(vhost.amqp_uri, orders, options.rate or None)), daemon=True)
    say(f"publishing {options.orders} orders at {options.rate or 'max'}/s, {options.stations} stations")
    publisher.start()
    shipping = databases.engine("shipping_labels")
    deadline = time.monotonic() + options.wait_limit()
    shipped = 0
    try:
        while time.monotonic() < deadline:
            try:
                shipped = timeline.count_events(shipping, "order_shipped")
            except sa.exc.OperationalError:   # e.g. PostgreSQL's connection limit, for a moment
                pass
            if shipped >= options.orders and not publisher.is_alive():
                break
            time.sleep(0.25)
    finally:
        floor_crew.stop()
        publisher.join(timeout=30)
    say(f"{shipped} of {options.orders} shipped")
    return orders, placed, floor_crew.stats


def _figures(stages, floor_stats, repeats, options):
    shipped = sum(1 for t in stages.values() if "shipped" in t)
    problems = []
    if shipped < options.orders:
        problems.append(f"only {shipped} of {options.orders} orders shipped")
    problems += [f"{n} orders have {stage} more than once" for stage, n in repeats.items() if n]
    problems += floor_stats.failures[:20]
    return {
        "throughput": figures.throughput(stages),
        "latency_ms": figures.stage_latencies(stages),
        "scans": figures.scan_figures(floor_stats.scans),
        "checks": {"published": len(stages), "shipped": shipped, "duplicate_stages": repeats,
                   "problems": problems},
    }
