"""A split's backorder (拆单, issue #23) is approved with `split_from`: it was reviewed with its order, so it is no
second review for anyone's figures; the order itself counts once, as before."""
import uuid
from datetime import datetime, timezone

from services.staff_performance import facts
from services.staff_performance.fact_sources import SOURCES

APPROVED = next(spec for spec in SOURCES if spec.event_type == "order_approved")


def approved(order_no, **fields):
    return {"event_id": str(uuid.uuid4()), "occurred_at": datetime(2026, 3, 20, tzinfo=timezone.utc),
            "order_no": order_no, "reviewer": "R-1", "approved_at": datetime(2026, 3, 20, tzinfo=timezone.utc),
            "seconds_to_decision": 30.0, **fields}


def test_a_backorder_is_no_second_review():
    assert [row["kind"] for row in facts.facts_of(APPROVED, approved("SO-1"))] == ["order_reviewed", "order_approved"]
    assert [row["kind"] for row in facts.facts_of(APPROVED, approved("SO-1", split_from=None))] == [
        "order_reviewed", "order_approved"]
    assert facts.facts_of(APPROVED, approved("SO-1-B1", split_from="SO-1")) == []
