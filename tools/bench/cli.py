"""`python -m tools.bench`: arguments (or $BENCH_ARGS, so `BENCH_ARGS=--smoke make bench` works), table, JSON."""
import argparse
import json
import os
import shlex
import signal
import sys
import time
from datetime import datetime, timezone

import tools.bench
from tools.bench.broker import ManagementOff
from shared.config import VAR_DIR
from tools.bench.cluster import comparison, run_on_cluster
from tools.bench.databases import DEFAULT_POSTGRES_URL
from tools.bench.figures import table
from tools.bench.run import Options, run


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=tools.bench.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500, help="orders to publish (default 500)")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, default=50.0, help="orders per second (default 50)")
    pace.add_argument("--max", action="store_true", help="publish as fast as it goes")
    parser.add_argument("--stations", type=int, default=8,
                        help="scanner stations (default 8; 0 = the automatic part alone, up to reserved)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--instances", type=int, default=1,
                        help="processes per service sharing its queues (competing consumers; needs --postgres)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy every service while orders flow (collapsed stacks in the log folder)")
    parser.add_argument("--scan-burst", type=int, default=400,
                        help="orders picked and packed at full speed after the flow, for the scan API's "
                             "capacity (default 400, at most 500; 0 = none)")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-relay floor")
    parser.add_argument("--cluster", action="store_true",
                        help="on a three-node RabbitMQ cluster of its own, once with quorum queues and once "
                             "with classic ones (needs root and rabbitmq-server; no floor)")
    parser.add_argument("--smoke", action="store_true", help="10 orders, 2 stations: does it work at all")
    parser.add_argument("--timeout", type=float, default=None, help="seconds to wait for every order to ship")
    parser.add_argument("--json", default=None, help="where to write the figures (default var/bench/<time>.json)")
    args = parser.parse_args(argv)
    if args.instances > 1 and not args.postgres:
        parser.error("--instances > 1 needs --postgres: a SQLite database belongs to one process")
    if args.cluster and args.instances > 1:
        parser.error("--cluster runs one process per service (the competing-consumers evidence needs the "
                     "management API, which the bench's cluster does not run)")
    if args.smoke:
        args.orders, args.stations, args.rate, args.max = 10, 2, 20.0, False
        args.scan_burst = min(args.scan_burst, 20)
        args.timeout = args.timeout or 40
    return args


def main(argv=None):
    try:
        return _main(argv)
    except ManagementOff as problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 2


def _main(argv):
    if argv is None:
        argv = sys.argv[1:] or shlex.split(os.environ.get("BENCH_ARGS", ""))
    args = parse(argv)
    # A SIGTERM (CI's timeout) unwinds like Ctrl-C: processes stopped, vhost and databases deleted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = Options(orders=args.orders, rate=0.0 if args.max else args.rate, stations=args.stations,
                      postgres=args.postgres, postgres_url=args.postgres_url, instances=args.instances,
                      floor=not args.no_floor, scan_burst=args.scan_burst, timeout=args.timeout, profile=args.profile)
    began = time.monotonic()
    say = lambda text: print(f"-- {time.monotonic() - began:6.1f}s {text}", flush=True)   # noqa: E731
    if args.cluster:
        options.floor = False
        reports = run_on_cluster(options, run, say)
        for kind, report in reports.items():
            print(f"\n{kind} queues, three nodes\n{table(report)}", flush=True)
        print(f"\n{comparison(reports)}", flush=True)
        print(f"figures written to {write({'cluster': reports}, args.json)}", flush=True)
        return 1 if any(report["checks"]["problems"] for report in reports.values()) else 0
    report = run(options, say=say)
    print(table(report), flush=True)
    print(f"figures written to {write(report, args.json)}", flush=True)
    return 1 if report["checks"]["problems"] else 0


def write(report, path=None):
    path = path or os.path.join(VAR_DIR, "bench", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as out:
        json.dump(report, out, indent=2, default=str)
    return path
