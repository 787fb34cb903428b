"""`python -m tools.bench.compare` (issue #22's measurement): alternating runs of a git revision and this
working tree, in ABBA blocks, summed up as medians and ratios."""
import json
import subprocess
import sys

import pytest

from shared.config import ROOT
from shared.testing.databases import backend
from tools.bench.alternating import A, B, figures, order, summary, table
from tools.bench.compare import parse


def _report(shipped_per_s, services_ms, postgres_ms=None):
    others = {"rabbitmq": 7.0, **({"postgresql": postgres_ms} if postgres_ms is not None else {})}
    return {"throughput": {"placed_to_shipped": {"sustained_per_s": shipped_per_s, "overall_per_s": shipped_per_s}},
            "latency_ms": {"placed_to_labelled": {"p95_ms": 300.0}},
            "cpu_ms_per_order": {"order_review": services_ms / 2, "after_sales": services_ms / 2},
            "cpu_ms_per_order_others": others, "scan_burst": {"count": 0}}


def test_runs_go_in_abba_blocks():
    assert order(1) == [(0, A), (0, B)]
    assert order(3) == [(0, A), (0, B), (1, B), (1, A), (2, A), (2, B)]


def test_each_pair_gives_a_ratio_and_one_odd_run_does_not_decide_the_median():
    reports = {(0, A): _report(30, 40.0), (0, B): _report(33, 36.0),
               (1, B): _report(34, 35.0), (1, A): _report(31, 38.0),
               (2, A): _report(10, 90.0), (2, B): _report(32, 37.0)}   # the third base run was disturbed
    result = summary(reports)
    services = result["CPU ms/order, services"]
    assert services[A] == [40.0, 38.0, 90.0] and services[B] == [36.0, 35.0, 37.0]
    assert (services["base_median"], services["candidate_median"]) == (40.0, 36.0)
    assert services["ratios"] == [0.9, 0.921, 0.411]
    assert services["median_ratio"] == 0.9
    assert result["placed→shipped steady /s"]["more_is_better"] is True
    assert services["more_is_better"] is False


def test_a_figure_a_run_did_not_measure_is_none_and_left_out_of_the_table():
    result = summary({(0, A): _report(30, 40.0), (0, B): _report(33, 36.0, postgres_ms=12.0)})
    assert result["CPU ms/order, PostgreSQL"]["ratios"] == [None]   # no base figure: no ratio
    assert figures(_report(30, 40.0))["scan burst /s"] is None
    assert figures(_report(30, 40.0))["suite / floor (overall)"] is None
    shown = table(summary({(0, A): _report(30, 40.0), (0, B): _report(33, 36.0)}))
    assert "| CPU ms/order, services | 40 (40) | 36 (36) | 0.9 | 0.9 |" in shown
    assert "PostgreSQL" not in shown and "scan burst" not in shown


def test_a_zero_base_figure_gives_no_ratio_rather_than_an_error():
    result = summary({(0, A): _report(0, 40.0), (0, B): _report(33, 36.0)})
    assert result["placed→shipped steady /s"]["ratios"] == [None]


def test_the_runs_own_arguments_come_after_the_double_dash_and_may_not_redirect_the_figures():
    args = parse(["--base", "main", "--pairs", "2", "--", "--postgres", "--no-floor"])
    assert (args.base, args.pairs, args.bench_args) == ("main", 2, ["--postgres", "--no-floor"])
    for refused in (["--pairs", "0"], ["--", "--json", "x.json"], ["--", "--cluster"]):
        with pytest.raises(SystemExit):
            parse(refused)


@pytest.mark.skipif(backend() != "sqlite", reason="two whole benchmark runs: once per CI run is enough")
def test_comparing_the_last_commit_with_this_tree_runs_both_and_writes_the_ratios(tmp_path):
    command = [sys.executable, "-m", "tools.bench.compare", "--base", "HEAD", "--pairs", "1", "--out", str(tmp_path),
               "--", "--smoke", "--no-floor", "--scan-burst", "0"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    written = json.loads((tmp_path / "comparison.json").read_text())
    assert written["base"].startswith("HEAD (")
    assert written["bench_args"] == ["--smoke", "--no-floor", "--scan-burst", "0"]
    shipped = written["figures"]["placed→shipped overall /s"]
    assert len(shipped[A]) == len(shipped[B]) == 1 and shipped["ratios"][0] > 0
    assert "| placed→shipped overall /s |" in finished.stdout
    for run in ("1-base", "1-candidate"):
        assert json.loads((tmp_path / f"{run}.json").read_text())["checks"]["shipped"] == 10
    listed = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "bench-base-" not in listed   # the base's checkout is gone
