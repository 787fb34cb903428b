"""Alternating runs of two builds (issue #22's "medians of at least three alternating runs"): the order of
the runs, the figures compared, and the summary. Plain data in, plain data out: no processes, no git.

The machine drifts (a VM warming up, other work on it), so runs go in ABBA blocks: A B, B A, A B, ...
Each pair's ratio B/A compares two neighbouring runs, and the medians keep one odd run from
deciding the answer.
"""
import statistics

A, B = "base", "candidate"

# name -> (how to read it from a bench report, whether more is better)
FIGURES = {
    "placed→shipped steady /s": (lambda r: r["throughput"]["placed_to_shipped"]["sustained_per_s"], True),
    "placed→shipped overall /s": (lambda r: r["throughput"]["placed_to_shipped"]["overall_per_s"], True),
    "p95 placed→labelled ms": (lambda r: r["latency_ms"]["placed_to_labelled"]["p95_ms"], False),
    "CPU ms/order, services": (lambda r: round(sum(r["cpu_ms_per_order"].values()), 1), False),
    "CPU ms/order, PostgreSQL": (lambda r: r["cpu_ms_per_order_others"].get("postgresql"), False),
    "CPU ms/order, RabbitMQ": (lambda r: r["cpu_ms_per_order_others"].get("rabbitmq"), False),
    "scan burst /s": (lambda r: r["scan_burst"]["per_s"], True),
    "scan burst p99 ms": (lambda r: r["scan_burst"]["p99_ms"], False),
    "suite / floor (overall)": (lambda r: r["floor"]["suite_fraction"], True),
}


def order(pairs):
    """[(pair, side)] for `pairs` pairs in ABBA blocks: A B, B A, A B, ..."""
    runs = []
    for pair in range(pairs):
        sides = (A, B) if pair % 2 == 0 else (B, A)
        runs += [(pair, side) for side in sides]
    return runs


def figures(report):
    """{figure: number or None} of one bench report; a figure the run did not measure is None."""
    found = {}
    for name, (read, _) in FIGURES.items():
        try:
            found[name] = read(report)
        except (KeyError, TypeError):
            found[name] = None
    return found


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def summary(reports):
    """`reports`: {(pair, side): report}. Per figure: every run's value, each side's median, the
    ratio B/A of every complete pair, and the median of those ratios."""
    pairs = sorted({pair for pair, _ in reports})
    values = {(pair, side): figures(report) for (pair, side), report in reports.items()}
    result = {}
    for name, (_, more_is_better) in FIGURES.items():
        side = {s: [values[(p, s)][name] for p in pairs if (p, s) in values] for s in (A, B)}
        ratios = []
        for pair in pairs:
            a, b = (values.get((pair, s), {}).get(name) for s in (A, B))
            ratios.append(round(b / a, 3) if a and b is not None else None)
        result[name] = {"more_is_better": more_is_better, A: side[A], B: side[B],
                        f"{A}_median": _median(side[A]), f"{B}_median": _median(side[B]),
                        "ratios": ratios, "median_ratio": _median(ratios)}
    return result


def _cell(value):
    return "-" if value is None else f"{value:g}"


def table(result):
    """The summary as a Markdown table (what the README quotes)."""
    lines = ["| figure | base (median) | candidate (median) | candidate/base per pair | median ratio |",
             "|---|---|---|---|---|"]
    for name, row in result.items():
        if row[f"{A}_median"] is None and row[f"{B}_median"] is None:
            continue   # not measured in these runs (no PostgreSQL, no floor, no scan burst)
        runs = lambda side: ", ".join(_cell(v) for v in row[side])   # noqa: E731
        lines.append(f"| {name} | {runs(A)} ({_cell(row[f'{A}_median'])}) | {runs(B)} ({_cell(row[f'{B}_median'])}) "
                     f"| {', '.join(_cell(r) for r in row['ratios'])} | {_cell(row['median_ratio'])} |")
    return "\n".join(lines)
