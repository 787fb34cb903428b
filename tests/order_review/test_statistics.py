"""The reviewers' daily statistic (business-rules §2: 物流发货统计表; issue #3 "Daily statistics"):
per reviewer and day, orders reviewed, auto-approved share, holds by code, median and p95."""
from datetime import date, datetime, timezone

from services.order_review.statistics import daily, summarize
from shared.timeutil import business_day, utcnow
from tests.order_review.conftest import arrive, storefront_order

DAY = date(2026, 11, 23)


def test_summary_per_reviewer_with_median_and_95th_percentile():
    decisions = [("A", "auto", "approved", 0.2), ("B", "auto", "approved", 0.4)]
    decisions += [(f"H{n}", "R-1", "approved", float(n)) for n in range(1, 21)]   # 1..20 s
    decisions += [("X", "R-2", "rejected", 300.0)]
    holds = [("H1", "BAD_PHONE"), ("H1", "BUYER_REMARK"), ("H2", "BAD_PHONE"), ("X", "COD_RISK")]
    stats = summarize(DAY, decisions, holds, {"BAD_PHONE": 2, "BUYER_REMARK": 1, "COD_RISK": 1})
    assert (stats["day"], stats["orders_reviewed"], stats["auto_approved"]) == ("2026-11-23", 23, 2)
    assert stats["auto_approved_share"] == round(2 / 23, 4)
    assert stats["held_by_code"] == {"BAD_PHONE": 2, "BUYER_REMARK": 1, "COD_RISK": 1}
    lines = {line["reviewer"]: line for line in stats["reviewers"]}
    assert list(lines) == ["R-1", "R-2", "auto"]
    assert (lines["R-1"]["median_seconds"], lines["R-1"]["p95_seconds"]) == (10.5, 19.0)
    assert lines["R-1"]["held_by_code"] == {"BAD_PHONE": 2, "BUYER_REMARK": 1}
    assert (lines["R-2"]["rejected"], lines["R-2"]["held_by_code"]) == (1, {"COD_RISK": 1})
    assert lines["auto"]["held_by_code"] == {}


def test_an_empty_day():
    stats = summarize(DAY, [], [], {})
    assert (stats["orders_reviewed"], stats["auto_approved_share"], stats["median_seconds"]) == (0, None, None)


def test_a_day_is_the_company_day_in_shanghai_not_the_utc_day(review_db):
    """Reviewers work Beijing time: a decision at 01:30 on the 24th there is 17:30Z on the 23rd."""
    arrive(review_db, storefront_order(), datetime(2026, 11, 23, 17, 30, tzinfo=timezone.utc))
    arrive(review_db, storefront_order(), datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc))   # 23:30 there
    with review_db.read() as session:
        days = [daily(session, date(2026, 11, day))["orders_reviewed"] for day in (22, 23, 24, 25)]
    assert days == [0, 1, 1, 0]


def test_daily_statistics_over_http(reviewing):
    review = reviewing()
    review.order(review.place(storefront_order()), status="approved")
    held = review.place(storefront_order(buyer_remark="请周末送货"))
    review.order(held, status="held")
    assert review.http("POST", f"/orders/{held}/approve", staff="R-9", json={"reason": "已电话确认"}).status_code == 200
    answer = review.http("GET", "/stats/daily", role="manager", params={"day": business_day(utcnow()).isoformat()})
    assert answer.status_code == 200, answer.text
    stats = answer.json()
    assert (stats["orders_reviewed"], stats["auto_approved"], stats["auto_approved_share"]) == (2, 1, 0.5)
    assert stats["held_by_code"] == {"BUYER_REMARK": 1}
    lines = {line["reviewer"]: line for line in stats["reviewers"]}
    assert lines["R-9"]["orders_reviewed"] == 1 and lines["R-9"]["held_by_code"] == {"BUYER_REMARK": 1}
    assert lines["R-9"]["p95_seconds"] >= lines["auto"]["p95_seconds"] >= 0
    bad_day = review.http("GET", "/stats/daily", params={"day": "23/11/2026"})
    assert (bad_day.status_code, list(bad_day.json()["fields"])) == (400, ["day"])
