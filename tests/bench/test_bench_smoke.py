"""`make bench` with `--smoke` (issue #9): the whole suite as separate processes, 10 orders, 2 stations.

CI times nothing; this proves the benchmark works end to end and reports every figure. On
PostgreSQL it runs two instances of every service sharing their queues (competing consumers)
and checks that nothing happened twice.
"""
import json
import os
import subprocess
import sys

import pytest

from shared.config import ROOT, SERVICES
from shared.testing.databases import backend
from tools.bench.competing import consuming_services

STAGE_SPANS = ("placed_to_approved", "approved_to_reserved", "reserved_to_packed", "packed_to_labelled",
               "labelled_to_shipped", "placed_to_labelled", "placed_to_shipped")


def test_smoke_benchmark_ships_every_order_and_reports_the_figures(tmp_path):
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "tools.bench", "--smoke", "--json", str(out)]
    postgres = backend() == "postgres"
    if postgres:
        command += ["--postgres", "--instances", "2"]
    # Few workers per process: twelve processes stay well inside PostgreSQL's connection limit.
    env = dict(os.environ, MAX_WORKERS="3")
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150, env=env)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]

    report = json.loads(out.read_text())
    assert report["checks"]["shipped"] == report["run"]["orders"] == 10
    assert report["checks"]["problems"] == []
    assert set(report["checks"]["duplicate_stages"].values()) == {0}
    for span in STAGE_SPANS:
        assert report["latency_ms"][span]["count"] == 10, span
        assert 0 <= report["latency_ms"][span]["p50_ms"] <= report["latency_ms"][span]["p99_ms"]
    assert report["throughput"]["placed_to_shipped"]["completed"] == 10
    assert report["throughput"]["placed_to_shipped"]["sustained_per_s"] > 0
    assert report["throughput"]["placed_to_labelled"]["sustained_per_s"] > 0
    scans = report["scans"]
    assert scans["by_type"]["pack"] == 10 and scans["by_type"]["handover"] >= 10
    assert scans["per_s"] > 0 and scans["p50_ms"] <= scans["p99_ms"]
    burst = report["scan_burst"]
    assert burst["count"] > 0 and burst["p50_ms"] <= burst["p99_ms"]
    assert set(report["cpu_ms_per_order"]) == set(SERVICES)
    assert report["cpu_ms_per_order_others"]["rabbitmq"] > 0
    assert (report["cpu_ms_per_order_others"].get("postgresql", 0) > 0) == postgres
    floor = report["floor"]
    assert floor["arrived"] == floor["messages"] and floor["sustained_per_s"] > 0
    assert 0 < floor["suite_fraction"]
    assert set(report["memory_peak_kb"]) == set(SERVICES) and min(report["memory_peak_kb"].values()) > 10_000
    assert "placed_to_shipped" in finished.stdout   # the printed table
    if postgres:
        assert_instances_shared_the_work(report["competing_consumers"])


@pytest.mark.skipif(backend() != "sqlite", reason="the publishing mode, not the backend: once is enough")
def test_the_automatic_part_alone_as_fast_as_the_storefront_publishes(tmp_path):
    """`--max --stations 0`: no scanners, orders published back to back; placed → reserved is the
    part that runs without people (issue #9: "a run at 'as fast as it goes'", "the automatic part")."""
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "tools.bench", "--orders", "10", "--max", "--stations", "0", "--no-floor",
               "--scan-burst", "0", "--timeout", "60", "--json", str(out)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150,
                              env=dict(os.environ, MAX_WORKERS="3"))
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]

    report = json.loads(out.read_text())
    assert (report["run"]["rate"], report["run"]["stations"]) == ("max", 0)
    assert report["checks"]["reserved"] == report["checks"]["published"] == 10
    assert report["checks"]["problems"] == [] and set(report["checks"]["duplicate_stages"].values()) == {0}
    reserved = report["throughput"]["placed_to_reserved"]
    assert reserved["completed"] == 10 and reserved["sustained_per_s"] > 0
    assert report["throughput"]["placed_to_shipped"]["completed"] == 0   # nobody packed: nothing shipped


def assert_instances_shared_the_work(evidence):
    """Every queue had both instances consuming, and the order pipeline's messages went to both."""
    assert set(evidence) == set(consuming_services()) == set(SERVICES) - {"identity"}
    for service, found in evidence.items():
        assert found["queues_with_every_instance_consuming"] == found["queues"] > 0, service
        assert len(found["delivered_per_instance"]) == 2, service
    # The broker's counters lag by a few seconds; what the order flow put through must show on both.
    assert all(n > 0 for n in evidence["order_review"]["delivered_per_instance"]) or \
        all(n > 0 for n in evidence["staff_performance"]["delivered_per_instance"])
