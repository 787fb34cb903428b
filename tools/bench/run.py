"""One benchmark run, start to finish; everything it started is stopped and deleted, even on error."""
import os
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from shared.testing.keys import new_key_pair
from tools.bench import figures, floor, timeline, warehouse
from tools.bench.broker import Vhost
from tools.bench.databases import DEFAULT_POSTGRES_URL, Databases
from tools.bench.scan_burst import run_scan_burst
from tools.bench.scanners import Floor
from tools.bench.storefront_load import bench_orders, publish_orders
from tools.bench.competing import consuming_services, sharing_evidence
from tools.bench.profiling import Profiler
from tools.bench.suite import Suite, others_cpu_seconds


@dataclass
class Options:
    orders: int = 500
    rate: float = 50.0            # orders per second; 0 = as fast as it goes
    stations: int = 8
    postgres: bool = False
    postgres_url: str = DEFAULT_POSTGRES_URL
    instances: int = 1            # processes per service (competing consumers)
    profile: bool = False         # py-spy every service while orders flow
    floor: bool = True
    scan_burst: int = 400         # orders picked and packed at full speed after the flow (0 = none)
    timeout: float = None         # seconds to wait for every order to ship
    log_dir: str = None
    extra_env: dict = None

    def wait_limit(self):
        if self.timeout:
            return self.timeout
        publishing = self.orders / self.rate if self.rate else self.orders / 50
        return 120 + 6 * publishing


def run(options, say=print, broker=None):
    """`broker`: where the run's vhost is (default: a fresh one on the machine's broker)."""
    log_dir = options.log_dir or tempfile.mkdtemp(prefix="bench-logs-")
    report = {"run": _describe(options, log_dir)}
    with ExitStack() as stack:
        vhost = stack.enter_context(broker or Vhost())
        databases = stack.enter_context(Databases(options.postgres_url if options.postgres else None))
        keys = new_key_pair(os.path.join(log_dir, "keys"))   # the run's own: the bench signs its scanners' tokens
        suite = stack.enter_context(Suite(vhost.amqp_uri, databases.urls, keys, log_dir, options.instances,
                                          _service_env(options)))
        _deploy(suite, options, say)
        engines = {name: databases.engine(name) for name in databases.urls}
        cpu_before, others_before = suite.cpu_seconds(), others_cpu_seconds(options.postgres)
        orders, placed, floor_stats = _flow(options, suite, vhost, databases, say)
        timeline.settle(engines)
        report["cpu_ms_per_order"] = _cpu_per_order(cpu_before, suite.cpu_seconds(), options.orders)
        report["cpu_ms_per_order_others"] = _cpu_per_order(others_before, others_cpu_seconds(options.postgres),
                                                           options.orders)
        stages, repeats = timeline.read(engines, placed)
        report["messages_per_order"] = timeline.messages_per_order(engines, options.orders)
        floor_stats.failures += warehouse.stock_problems(suite, orders, stages)
        report["memory_peak_kb"] = suite.peak_memory_kb()
        if options.instances > 1:
            report["competing_consumers"] = sharing_evidence(vhost, options.instances, options.orders, consuming_services())
        burst = run_scan_burst(suite, vhost, databases, options.scan_burst, max(1, options.stations), say) \
            if options.scan_burst and options.stations else None
        suite.stop()   # before the floor, so that it has the machine to itself
        report.update(_figures(stages, floor_stats, repeats, options))
        if burst is not None:
            report["scan_burst"] = figures.scan_figures(burst.scans)
            report["checks"]["problems"] += burst.failures[:20]
        if options.floor:
            say("the floor: bare kombu relay")
            report["floor"] = _floor(vhost, log_dir, options.orders, report["throughput"])
    return report


def _describe(options, log_dir):
    return {"started_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "orders": options.orders,
            "rate": options.rate or "max", "stations": options.stations,
            "backend": "postgresql" if options.postgres else "sqlite", "instances": options.instances,
            "cpus": os.cpu_count(), "logs": log_dir}


def _deploy(suite, options, say):
    say(f"migrating and declaring ({'postgresql' if options.postgres else 'sqlite'})")
    suite.deploy()
    suite.start()
    suite.wait_healthy()
    say(f"{len(suite.processes)} service processes healthy; loading stock and waybill ranges")
    warehouse.load_stock(suite, options.orders)
    warehouse.load_waybill_ranges(suite, options.orders)


def _service_env(options):
    """Production config; with several instances the same workers per service in total (one machine)."""
    env = dict(options.extra_env or {})
    if options.instances > 1 and "MAX_WORKERS" not in os.environ:
        env.setdefault("MAX_WORKERS", str(max(1, 10 // options.instances)))
    return env


def _cpu_per_order(before, after, orders):
    return {service: round(1000 * (seconds - before.get(service, 0.0)) / max(1, orders), 1)
            for service, seconds in after.items()}


def _flow(options, suite, vhost, databases, say):
    """Publish the orders while the stations work; wait until every order shipped (or the limit).
    With no stations, the automatic part alone: wait until every order's goods are reserved."""
    orders = bench_orders(options.orders, databases.run_id)
    floor_crew = Floor(suite, options.stations)
    profiler = Profiler(suite, suite.log_dir) if options.profile else None
    if profiler:
        profiler.start()
    floor_crew.start()
    placed = {}
    publisher = threading.Thread(target=_publish, args=(vhost, orders, options.rate, placed, floor_crew.stats),
                                 daemon=True)
    say(f"publishing {options.orders} orders at {options.rate or 'max'}/s, {options.stations} stations")
    publisher.start()
    service, goal = ("shipping_labels", "order_shipped") if options.stations else ("picking_packing", "stock_reserved")
    try:
        done = _wait_for(databases.engine(service), goal, options.orders, publisher, options.wait_limit())
    finally:
        floor_crew.stop()
        publisher.join(timeout=30)
        if profiler:
            floor_crew.stats.profile = profiler.stop()
    say(f"{done} of {options.orders} orders reached {goal}")
    return orders, placed, floor_crew.stats


def _publish(vhost, orders, rate, placed, stats):
    try:
        placed.update(publish_orders(vhost.amqp_uri, orders, rate or None))
    except Exception as exc:   # reported with the figures; the run still cleans up
        stats.failures.append(f"storefront: {type(exc).__name__}: {exc}")


def _wait_for(engine, event_type, count, publisher, limit):
    """How many `event_type` rows the outbox holds once it reaches `count` (or the time limit)."""
    deadline, done = time.monotonic() + limit, 0
    while time.monotonic() < deadline:
        try:
            done = timeline.count_events(engine, event_type)
        except sa.exc.OperationalError:   # e.g. PostgreSQL's connection limit, for a moment
            pass
        if done >= count and not publisher.is_alive():
            break
        time.sleep(0.25)
    return done


def _floor(vhost, log_dir, messages, throughput):
    found = floor.run_floor(vhost.amqp_uri, log_dir, messages)
    # Overall rates (first in to last out) on both sides: bursts of completions can't flatter either.
    shipped, floor_rate = throughput["placed_to_shipped"]["overall_per_s"], found["overall_per_s"]
    found["suite_fraction"] = round(shipped / floor_rate, 3) if shipped and floor_rate else None
    return found


def _figures(stages, floor_stats, repeats, options):
    shipped = sum(1 for t in stages.values() if "shipped" in t)
    reserved = sum(1 for t in stages.values() if "reserved" in t)
    problems = []
    if options.stations and shipped < options.orders:
        problems.append(f"only {shipped} of {options.orders} orders shipped")
    if reserved < options.orders:
        problems.append(f"only {reserved} of {options.orders} orders reserved")
    problems += [f"{n} orders have {stage} more than once" for stage, n in repeats.items() if n]
    problems += floor_stats.failures[:20]
    return {
        **({"profile": floor_stats.profile} if floor_stats.profile else {}),
        "throughput": figures.throughput(stages),
        "latency_ms": figures.stage_latencies(stages),
        "scans": figures.scan_figures(floor_stats.scans),
        "checks": {"published": len(stages), "reserved": reserved, "shipped": shipped, "duplicate_stages": repeats,
                   "problems": problems},
    }
