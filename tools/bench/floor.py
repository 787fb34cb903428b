"""The floor: a bare kombu relay with the suite's hops per order and no business logic.

Each hop is its own process, like a service: consume a message, write a row to its own
SQLite database (WAL, one transaction), publish to the next queue with publisher
confirms, ack. The driver publishes N messages as fast as it can into the first
queue and times them out of the last one.

    python -m tools.bench.floor hop --amqp-uri URI --source Q --target Q --db PATH
"""
import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from kombu import Connection, Consumer, Producer, Queue

from shared.config import ROOT
from tools.bench.figures import percentiles, rate

# order_placed→order_review, order_approved→picking_packing, parcel_packed→shipping_labels,
# order_shipped→picking_packing: four consume-write-publish hops (the hand-over is an HTTP scan at
# shipping_labels; until issue 18 the floor also took waybill_issued, and shipping_labels parcel_handed_over).
SUITE_HOPS = 4


def _queue(name):
    return Queue(name, durable=True)


def relay(amqp_uri, source, target, db_path):
    """One hop, until SIGTERM."""
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS hops (id INTEGER PRIMARY KEY, message_id TEXT UNIQUE, "
               "body TEXT, at TEXT)")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with Connection(amqp_uri) as consuming, \
            Connection(amqp_uri, transport_options={"confirm_publish": True}) as publishing:
        producer = Producer(publishing.channel())

        def on_message(body, message):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO hops (message_id, body, at) VALUES (?, ?, ?)",
                       (message.properties.get("message_id"), message.body, datetime.now(timezone.utc).isoformat()))
            db.execute("COMMIT")
            producer.publish(message.body, routing_key=target, exchange="", delivery_mode=2,
                             content_type="application/json", content_encoding="utf-8",
                             message_id=message.properties.get("message_id"))
            message.ack()

        channel = consuming.channel()
        for name in (source, target):
            _queue(name).bind(channel).declare()
        with Consumer(channel, queues=[_queue(source)], callbacks=[on_message], prefetch_count=10):
            print("ready", flush=True)
            while not stopping:
                try:
                    consuming.drain_events(timeout=0.5)
                except TimeoutError:
                    pass


def run_floor(amqp_uri, workdir, messages, hops=SUITE_HOPS):
    """Throughput and end-to-end latency of `messages` through `hops` bare relays."""
    names = [f"floor.{n}" for n in range(hops + 1)]
    processes = [subprocess.Popen([sys.executable, "-m", "tools.bench.floor", "hop", "--amqp-uri", amqp_uri,
                                   "--source", names[n], "--target", names[n + 1],
                                   "--db", os.path.join(workdir, f"floor-{n}.db")],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True) for n in range(hops)]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError("a floor relay did not start")
        return _drive(amqp_uri, names[0], names[-1], messages, hops)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _drive(amqp_uri, first, last, messages, hops):
    arrived, done = {}, threading.Event()
    ready = threading.Event()

    def collect():
        with Connection(amqp_uri) as connection:
            def on_message(body, message):
                arrived[message.properties["message_id"]] = time.time()
                message.ack()
                if len(arrived) >= messages:
                    done.set()
            with Consumer(connection.channel(), queues=[_queue(last)], callbacks=[on_message],
                          prefetch_count=100):
                ready.set()
                while not done.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except TimeoutError:
                        pass

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    ready.wait(10)
    sent = {}
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.channel())
        body = json.dumps({"order_no": "FLOOR", "padding": "x" * 600})   # about an order_placed's size
        for _ in range(messages):
            message_id = str(uuid.uuid4())
            sent[message_id] = time.time()
            producer.publish(body, routing_key=first, exchange="", delivery_mode=2, message_id=message_id,
                             content_type="application/json", content_encoding="utf-8")
    done.wait(max(60.0, messages / 20))
    start = datetime.fromtimestamp(min(sent.values()), timezone.utc)
    finishes = [start + timedelta(seconds=t - min(sent.values())) for t in arrived.values()]
    figures = rate(start, finishes)
    return {"hops": hops, "messages": messages, "arrived": len(arrived),
            "sustained_per_s": figures["sustained_per_s"], "overall_per_s": figures["overall_per_s"],
            "latency": percentiles([arrived[m] - sent[m] for m in arrived])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["hop"])
    parser.add_argument("--amqp-uri", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    relay(args.amqp_uri, args.source, args.target, args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
