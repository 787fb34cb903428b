"""RFM, repeat purchase and cohorts on a known data set (000 art. 9 / 001 客户关怀部:
客户数据库, 数据分析). Every figure below is worked out by hand in the comments."""
from datetime import datetime, timezone
from decimal import Decimal

from services.customer_retention.rfm import Purchase, band_score, cohort_csv_rows, cohorts, repeat_purchase_rate, scores

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=timezone.utc)


def at(month, day, year=2026):
    return datetime(year, month, day, 9, 0, tzinfo=timezone.utc)


def known_purchases():
    d = Decimal
    return [
        # A: 3 orders, last 10 days ago, net 100 + 200 + (1500 - 100 refunded) = 1700
        Purchase("A", at(1, 10), d("100.00")), Purchase("A", at(2, 15), d("200.00")),
        Purchase("A", at(6, 20), d("1400.00")),
        # B: 1 order 5 days ago, 50
        Purchase("B", at(6, 25), d("50.00")),
        # C: 4 orders Jan–Mar, last on 1 March (121 days ago), 4000
        *[Purchase("C", when, d("1000.00")) for when in (at(1, 5), at(1, 20), at(2, 10), at(3, 1))],
        # D: 6 orders 1–6 June (last 24 days ago), 3600
        *[Purchase("D", at(6, day), d("600.00")) for day in range(1, 7)],
        # E: 1 order on 1 Dec 2025 (211 days ago), 80
        Purchase("E", at(12, 1, 2025), d("80.00")),
    ]


def test_rfm_scores_and_segments_on_a_known_data_set():
    result = {s.customer_key: s for s in scores(known_purchases(), NOW)}
    figures = {key: (s.recency_days, s.orders, s.net_spend, s.r, s.f, s.m, s.segment) for key, s in result.items()}
    assert figures == {
        "A": (10, 3, Decimal("1700.00"), 5, 3, 4, "promising"),
        "B": (5, 1, Decimal("50.00"), 5, 1, 1, "new"),
        "C": (121, 4, Decimal("4000.00"), 2, 4, 5, "at_risk"),
        "D": (24, 6, Decimal("3600.00"), 5, 5, 5, "champions"),
        "E": (211, 1, Decimal("80.00"), 1, 1, 1, "lost"),
    }


def test_band_edges():
    assert [band_score(days, (30, 60, 90, 180), lower_is_better=True) for days in (0, 30, 31, 90, 180, 181)] \
        == [5, 5, 4, 3, 2, 1]
    assert [band_score(n, (2, 3, 4, 6)) for n in (1, 2, 3, 4, 5, 6, 20)] == [1, 2, 3, 4, 4, 5, 5]


def test_repeat_purchase_rate_on_a_known_data_set():
    # A, C and D ordered twice or more; B and E once: 3 of 5.
    assert repeat_purchase_rate(known_purchases()) == {
        "customers": 5, "repeat_customers": 3, "repeat_purchase_rate": Decimal("0.6000")}
    assert repeat_purchase_rate([])["repeat_purchase_rate"] == Decimal("0")


def test_cohort_retention_by_first_order_month_on_a_known_data_set():
    table = {row["cohort"]: row for row in cohorts(known_purchases())}
    assert sorted(table) == ["2025-12", "2026-01", "2026-06"]
    # January: A (Jan, Feb, Jun) and C (Jan, Feb, Mar).
    january = table["2026-01"]
    assert january["size"] == 2
    assert [(p["month"], p["customers"], p["retention"]) for p in january["periods"]] == [
        (0, 2, Decimal("1.0000")), (1, 2, Decimal("1.0000")), (2, 1, Decimal("0.5000")),
        (3, 0, Decimal("0.0000")), (4, 0, Decimal("0.0000")), (5, 1, Decimal("0.5000"))]
    # December 2025: E alone, never back (months 0..6 up to June).
    assert [p["customers"] for p in table["2025-12"]["periods"]] == [1, 0, 0, 0, 0, 0, 0]
    # June: B and D, both in their first month.
    assert table["2026-06"]["size"] == 2 and table["2026-06"]["periods"] == [
        {"month": 0, "customers": 2, "retention": Decimal("1.0000")}]


def test_cohort_csv_has_one_row_per_cohort_month():
    rows = list(cohort_csv_rows(cohorts(known_purchases())))
    assert rows[0] == ["cohort", "size", "month", "customers", "retention"]
    assert ["2026-01", 2, 2, 1, Decimal("0.5000")] in rows
    assert len(rows) == 1 + 7 + 6 + 1
