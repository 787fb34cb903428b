"""The benchmark's arithmetic (issue #9): percentiles, sustained rates, stage spans. No broker, no services."""
from datetime import datetime, timedelta, timezone

from tools.bench import figures
from tools.bench.scanners import ScanRecord

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_percentiles_are_in_milliseconds_and_ordered():
    found = figures.percentiles([i / 1000 for i in range(1, 101)])   # 1 ms … 100 ms
    assert found["count"] == 100
    assert 50 <= found["p50_ms"] <= 51 and 95 <= found["p95_ms"] <= 96 and 99 <= found["p99_ms"] <= 100
    assert found["max_ms"] == 100.0
    assert figures.percentiles([]) is None
    assert figures.percentiles([0.2])["p99_ms"] == 200.0


def test_sustained_rate_leaves_out_ramp_up_and_drain():
    # 100 orders finishing 20 ms apart, after a 5 s ramp-up: sustained 50/s, overall lower.
    finishes = [at(5 + n * 0.02) for n in range(100)]
    found = figures.rate(T0, finishes)
    assert found["completed"] == 100
    assert 49 <= found["sustained_per_s"] <= 51
    assert found["overall_per_s"] < 15


def test_stage_spans_and_the_automatic_part_leave_out_the_floor():
    stages = {"SO-1": {"placed": at(0), "approved": at(0.1), "reserved": at(0.3), "packed": at(5.3),
                       "labelled": at(5.5), "shipped": at(9)}}
    found = figures.stage_latencies(stages)
    assert found["placed_to_approved"]["p50_ms"] == 100.0
    assert found["reserved_to_packed"]["p50_ms"] == 5000.0
    assert found["placed_to_labelled"]["p50_ms"] == 5500.0
    assert found["placed_to_shipped"]["p50_ms"] == 9000.0
    assert found["automatic"]["p50_ms"] == 500.0   # 300 ms to reserve + 200 ms to label


def test_orders_that_did_not_finish_are_left_out_not_guessed():
    stages = {"SO-1": {"placed": at(0), "approved": at(1)}, "SO-2": {"placed": at(0)}}
    found = figures.stage_latencies(stages)
    assert found["placed_to_approved"]["count"] == 1
    assert found["placed_to_shipped"] is None
    assert figures.throughput(stages)["placed_to_shipped"]["completed"] == 0


def test_scan_rate_counts_refusals_apart():
    records = [ScanRecord("pick", 200, 0.01, 1.0 + n * 0.01) for n in range(99)]
    records.append(ScanRecord("handover", 404, 0.02, 2.0))
    found = figures.scan_figures(records)
    assert found["count"] == 100 and found["refused"] == 1
    assert found["by_type"] == {"pick": 99, "handover": 1}
    assert 95 <= found["per_s"] <= 105
