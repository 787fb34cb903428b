"""From timestamps to figures: percentiles, sustained rates, the printed table."""
import statistics

ORDER = ("placed", "approved", "reserved", "packed", "labelled", "shipped")


def percentiles(values_s):
    """p50/p95/p99/max in milliseconds."""
    values = sorted(values_s)
    if not values:
        return None
    if len(values) == 1:
        cuts = [values[0]] * 99
    else:
        cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"count": len(values), "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "max_ms": round(values[-1] * 1000, 1)}


def _span(stages, start, end):
    return [(t[end] - t[start]).total_seconds() for t in stages.values() if start in t and end in t]


def stage_latencies(stages):
    spans = {f"{a}_to_{b}": _span(stages, a, b) for a, b in zip(ORDER, ORDER[1:])}
    spans["placed_to_reserved"] = _span(stages, "placed", "reserved")
    spans["placed_to_labelled"] = _span(stages, "placed", "labelled")
    spans["placed_to_shipped"] = _span(stages, "placed", "shipped")
    # The automatic part alone: the services' own work, without the floor's scanning time.
    spans["automatic"] = [(t["reserved"] - t["placed"] + t["labelled"] - t["packed"]).total_seconds()
                          for t in stages.values() if all(k in t for k in ORDER[:5])]
    return {name: percentiles(values) for name, values in spans.items()}


def rate(first_start, finishes):
    """Sustained: orders per second over the middle 80% of completions (no ramp-up, no drain);
    overall: all of them from the first order placed to the last one finished."""
    finishes = sorted(finishes)
    if len(finishes) < 2:
        return {"completed": len(finishes), "sustained_per_s": None, "overall_per_s": None}
    low, high = int(len(finishes) * 0.1), int(len(finishes) * 0.9) - 1
    middle = (finishes[high] - finishes[low]).total_seconds()
    overall = (finishes[-1] - first_start).total_seconds()
    return {"completed": len(finishes),
            "sustained_per_s": round((high - low) / middle, 1) if middle > 0 and high > low else None,
            "overall_per_s": round(len(finishes) / overall, 1) if overall > 0 else None}


def throughput(stages):
    first = min(t["placed"] for t in stages.values())
    return {name: rate(first, [t[end] for t in stages.values() if end in t])
            for name, end in (("placed_to_shipped", "shipped"), ("placed_to_labelled", "labelled"),
                              ("placed_to_reserved", "reserved"))}


def scan_figures(records):
    if not records:
        return {"count": 0}
    span = max(r.at for r in records) - min(r.at - r.seconds for r in records)
    latency = percentiles([r.seconds for r in records])
    by_kind = {}
    for record in records:
        by_kind[record.kind] = by_kind.get(record.kind, 0) + 1
    return {"count": len(records), "per_s": round(len(records) / span, 1) if span > 0 else None,
            "p50_ms": latency["p50_ms"], "p95_ms": latency["p95_ms"], "p99_ms": latency["p99_ms"],
            "max_ms": latency["max_ms"], "by_type": by_kind,
            "refused": sum(1 for r in records if r.status != 200)}


def _cell(value):
    return "-" if value is None else f"{value}"


def table(report):
    """The human-readable summary."""
    lines = [f"benchmark {report['run']['started_at']}  {report['run']['backend']}  "
             f"{report['run']['orders']} orders at {report['run']['rate']}  {report['run']['stations']} stations  "
             f"{report['run']['instances']} instance(s)/service  {report['run']['cpus']} CPUs", ""]
    lines.append(f"{'throughput':<22}{'sustained/s':>12}{'overall/s':>11}{'done':>7}")
    for name, figures in report["throughput"].items():
        lines.append(f"{name:<22}{_cell(figures['sustained_per_s']):>12}{_cell(figures['overall_per_s']):>11}"
                     f"{figures['completed']:>7}")
    lines += ["", f"{'latency (ms)':<22}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'n':>7}"]
    for name, figures in report["latency_ms"].items():
        if figures:
            lines.append(f"{name:<22}{figures['p50_ms']:>9}{figures['p95_ms']:>9}{figures['p99_ms']:>9}"
                         f"{figures['max_ms']:>9}{figures['count']:>7}")
    scans = report["scans"]
    if scans.get("count"):
        lines += ["", f"scans: {scans['count']} at {scans['per_s']}/s, p50 {scans['p50_ms']} ms, "
                      f"p99 {scans['p99_ms']} ms, refused {scans['refused']} {scans['by_type']}"]
    burst = report.get("scan_burst") or {}
    if burst.get("count"):
        lines += [f"scan burst (stations at full speed): {burst['count']} at {burst['per_s']}/s, "
                  f"p50 {burst['p50_ms']} ms, p99 {burst['p99_ms']} ms, refused {burst['refused']}"]
    floor = report.get("floor")
    if floor:
        lines.append(f"floor: bare kombu relay, {floor['hops']} hops, {floor['messages']} messages: "
                     f"{floor['overall_per_s']}/s overall, {floor['sustained_per_s']}/s sustained "
                     f"(p50 {floor['latency']['p50_ms']} ms end to end); "
                     f"suite placed→shipped overall = {_cell(floor['suite_fraction'])} of the floor's")
    lines += ["", "CPU ms per order: " + ", ".join(
        f"{service} {ms}" for service, ms in report.get("cpu_ms_per_order", {}).items())]
    lines += ["CPU ms per order beside the services: " + ", ".join(
        f"{name} {ms}" for name, ms in report.get("cpu_ms_per_order_others", {}).items())]
    lines += ["events per order (published/consumed): " + ", ".join(
        f"{service} {n['published']}/{n['consumed']}" for service, n in report.get("messages_per_order", {}).items())]
    lines += ["peak memory (VmHWM, MiB): " + ", ".join(
        f"{service} {kb / 1024:.0f}" for service, kb in report["memory_peak_kb"].items())]
    if report["checks"]["problems"]:
        lines += ["", "PROBLEMS:"] + [f"  {p}" for p in report["checks"]["problems"]]
    return "\n".join(lines)
