"""The six services as production runs them (one process each, `python -m shared.run`), on a
private RabbitMQ node, with a resilient scanner floor; kill, stop and restart them; count.

Built on the benchmark's process suite (tools/bench), used read-only.
"""
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack

import eventlet
import requests
import sqlalchemy as sa

from shared.config import ROOT, SERVICES
from shared.db.base import plumbing_tables
from shared.testing.databases import PG_ADMIN_URL, backend
from shared.testing.keys import session_keys
from shared.testing.polling import wait_for
from tests.reliability.floor import ResilientFloor
from tools.bench import timeline, warehouse
from tools.bench.databases import Databases
from tools.bench.storefront_load import bench_orders, publish_orders
from tools.bench.suite import Suite

OUTBOX = plumbing_tables(sa.MetaData())[0]
# MAX_WORKERS 6: seven services with their pools (workers + 4 each) and the harness stay inside PostgreSQL's 100
FAST = {"RETRY_DELAYS_MS": "200,500,1000", "OUTBOX_POLL_SECONDS": "0.2", "MAX_WORKERS": "6"}
STATISTICS_SECONDS = 5.5   # the management API refreshes its queue counts every 5 s (collect_statistics_interval)
# nameko logs an expected exception by its text alone: for an event consumer that is AlreadyProcessed,
# whose text is the event id (an HTTP endpoint's expected refusals say something else).
DUPLICATE_SEEN = re.compile(r"\(expected\) error handling worker <WorkerContext [^>]*>: [0-9a-f-]{36}$", re.M)


def orders_per_test(default):
    """RELIABILITY_ORDERS overrides the CI size (the issue's figure is 500)."""
    return int(os.environ.get("RELIABILITY_ORDERS", default))


class ChaosSuite:
    def __init__(self, broker, log_dir, stock_for=2000):
        self.broker, self.amqp_uri, self.log_dir, self.stock_for = broker, broker.amqp_uri, log_dir, stock_for
        self.stack = ExitStack()
        self.databases = self.suite = self.floor = None
        self.restarts = Counter()
        self.crashes = []            # (service, exit code): processes that died on their own
        self._controlled = set()     # services a test is stopping or restarting right now
        self._supervisor = None

    def __enter__(self):
        postgres = PG_ADMIN_URL if backend() == "postgres" else None
        self.databases = self.stack.enter_context(Databases(postgres))
        self.suite = Suite(self.amqp_uri, self.databases.urls, session_keys(), self.log_dir, extra_env=FAST)
        self.stack.callback(self.suite.stop)
        self.suite.deploy()
        self.suite.start()
        self.suite.wait_healthy(timeout=120)
        warehouse.load_stock(self.suite, self.stock_for)
        warehouse.load_waybill_ranges(self.suite, self.stock_for)
        self.floor = ResilientFloor(self.suite.url("picking_packing", ""), self.suite.url("shipping_labels", ""),
                                    self.suite.token).start()
        self.stack.callback(self.floor.stop)
        self.engines = {service: self.databases.engine(service) for service in SERVICES}
        self._supervisor = eventlet.spawn(self._supervise)
        self.stack.callback(self._supervisor.kill)
        return self

    def __exit__(self, *exc):
        self.stack.close()
        return False

    # -- processes -------------------------------------------------------
    def process(self, service):
        return next(p for p in self.suite.processes if p.service == service)

    def _supervise(self):
        """Production restarts a service that dies (docker-compose `restart: unless-stopped`): so do we,
        and count it, since dying is a fault in itself."""
        while True:
            for process in list(self.suite.processes):
                if process.service not in self._controlled and process.popen.poll() is not None:
                    self.crashes.append((process.service, process.popen.returncode))
                    self._controlled.add(process.service)
                    try:
                        self.restart(process.service)
                    except AssertionError:   # died again (the broker may still be down): next round
                        pass
                    finally:
                        self._controlled.discard(process.service)
            eventlet.sleep(1.0)

    def signal(self, service, signum, wait=30.0):
        """Send a signal; returns seconds until the process exited. Restart it with `restart`."""
        self._controlled.add(service)
        process = self.process(service)
        started = time.monotonic()
        process.popen.send_signal(signum)
        process.popen.wait(timeout=wait)
        return time.monotonic() - started

    def freeze_holding(self, service, timeout):
        """SIGSTOP, then wait until the broker has delivered the frozen process something it can no longer
        ack, or nothing more can come (the rest of the suite is quiet), or `timeout`. Returns how many
        deliveries it holds: a kill now must have them redelivered. The broker's counts are statistics
        refreshed every few seconds: "quiet" is believed only once a refresh has passed since the freeze."""
        self._controlled.add(service)
        self.process(service).popen.send_signal(signal.SIGSTOP)
        frozen = time.monotonic()
        deadline = frozen + timeout
        while True:
            queues = self.broker.queues()
            held = sum(unacked for queue, (_, unacked) in queues.items() if consumer_of(queue) == service)
            quiet = time.monotonic() - frozen > STATISTICS_SECONDS and not (
                _busy(queues) or self.outbox_pending(but=service))
            if held or time.monotonic() > deadline or quiet:
                return held
            eventlet.sleep(0.2)

    def restart(self, service):
        process = self.process(service)
        assert process.popen.poll() is not None, f"{service} is still running"
        self.restarts[service] += 1
        with open(process.log_path, "ab") as log:
            process.popen = subprocess.Popen([sys.executable, "-m", "shared.run", service], cwd=ROOT,
                                             env=self.suite.env({service: process.port}), stdout=log,
                                             stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: _healthy(process), timeout=90, interval=0.2,
                     message=f"{service} not healthy after a restart; see {process.log_path}")
        finally:
            self._controlled.discard(service)

    # -- the flow -------------------------------------------------------
    def orders(self, count, tag):
        return bench_orders(count, f"{self.databases.run_id}{tag}")

    def publish(self, orders, rate=None):
        return publish_orders(self.amqp_uri, orders, rate)

    def shipped_count(self, order_nos):
        stages, _ = timeline.read({s: self.engines[s] for s in ("order_review", "picking_packing",
                                                                 "shipping_labels")}, dict.fromkeys(order_nos))
        return sum(1 for t in stages.values() if "shipped" in t)

    def wait_all_shipped(self, order_nos, timeout):
        try:
            wait_for(lambda: self.shipped_count(order_nos) >= len(order_nos), timeout=timeout, interval=0.5)
        except AssertionError:
            raise AssertionError(f"not all {len(order_nos)} shipped within {timeout}s: reached {self.count(order_nos)}, "
                                 f"pick lists {self.pick_list_counts()}, {self.floor.figures()}, "
                                 f"logs in {self.log_dir}") from None

    def pick_list_counts(self):
        with self.engines["picking_packing"].connect() as conn:
            return dict(conn.execute(sa.text("SELECT status, count(*) FROM pick_lists GROUP BY status")).all())

    def wait_stage(self, order_nos, stage, at_least, timeout=120):
        """Until `at_least` of the orders reached `stage` (approved, reserved, packed, labelled, shipped)."""
        wait_for(lambda: self.count(order_nos)[0][stage] >= at_least, timeout=timeout, interval=0.3)

    def outbox_pending(self, but=None):
        """Unpublished outbox rows, over the six databases (or all but one service's)."""
        total = 0
        for service, engine in self.engines.items():
            if service == but:
                continue
            with engine.connect() as conn:
                total += conn.execute(sa.select(sa.func.count()).select_from(OUTBOX)
                                      .where(OUTBOX.c.published_at.is_(None))).scalar()
        return total

    def wait_quiet(self, timeout=60):
        """Until nothing is left to do: every outbox sent, and every queue but the dead letters empty with
        nothing unacked (retries waiting in a delay queue included). A handler's outbox rows commit
        before its ack, so a moment when both hold has every consumer finished."""
        try:
            wait_for(lambda: not _busy(self.broker.queues()) and self.outbox_pending() == 0, timeout=timeout,
                     interval=0.5)
        except AssertionError:
            raise AssertionError(f"not quiet within {timeout}s: outbox {self.outbox_pending()}, "
                                 f"queues (ready, unacked) {_busy(self.broker.queues())}") from None

    def count(self, order_nos):
        """{stage: orders that reached it}, {stage: orders with it more than once}."""
        stages, repeats = timeline.read(self.engines, dict.fromkeys(order_nos))
        reached = Counter(stage for t in stages.values() for stage in t if stage != "placed")
        return reached, {stage: n for stage, n in repeats.items() if n}

    def stock(self):
        with self.engines["picking_packing"].connect() as conn:
            return {row.sku: (row.on_hand, row.reserved)
                    for row in conn.execute(sa.text("SELECT sku, on_hand, reserved FROM stock_items"))}

    def duplicates_ignored(self):
        """Redelivered or re-sent events the inbox recognised (each logged once by nameko)."""
        total = 0
        for process in self.suite.processes:
            with open(process.log_path, errors="replace") as log:
                total += len(DUPLICATE_SEEN.findall(log.read()))
        return total


def _busy(queues):
    """The queues with messages waiting or delivered and not acked; dead letters stay, and don't count, nor do
    the outside parties' feeds (`storefront.feed`): no storefront reads them here, so they only fill."""
    return {queue: held for queue, held in queues.items()
            if any(held) and not queue.endswith((".dead-letters", ".feed"))}


def consumer_of(queue):
    """The service consuming a queue named `evt-<source>-<event>--<service>.<method>` (topology.py), or None."""
    return queue.split("--", 1)[1].split(".", 1)[0] if queue.startswith("evt-") and "--" in queue else None


def _healthy(process):
    if process.popen.poll() is not None:
        raise AssertionError(f"{process.service} exited with {process.popen.returncode}; see {process.log_path}")
    try:
        return requests.get(process.base_url + "/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def ordered_quantities(orders):
    wanted = Counter()
    for event in orders:
        for line in event["order"]["lines"]:
            wanted[line["sku"]] += line["qty"]
    return wanted


def stock_drift(before, after, orders):
    """SKUs whose stock didn't fall by exactly what these orders shipped, or still reserved."""
    wanted = ordered_quantities(orders)
    drift = {}
    for sku, (on_hand, reserved) in after.items():
        taken = before[sku][0] - on_hand
        if taken != wanted.get(sku, 0) or reserved != before[sku][1]:
            drift[sku] = {"taken": taken, "ordered": wanted.get(sku, 0), "reserved": reserved}
    return drift


def say(record_property, line):
    """The test's figures: on the terminal (-s / -rA) and in the JUnit report."""
    print(f"\n[reliability] {line}", flush=True)
    record_property("figures", line)
