"""Which event becomes which per-person fact: the staff field, the moment it happened, what it was about.

A moment of None (or an event without it) means the event's own `occurred_at`. One event may yield more than one
fact (an answer inside the SLA is both `case_answered` and `case_answered_in_sla`), and an event listing items
yields one fact per item, each naming its own person and moment (a picked order: one `line_picked` per line).
"""
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class FactSource:
    source: str
    event_type: str
    kind: str
    staff_field: str
    at_field: Optional[str]
    subject_field: str
    seconds_field: Optional[str] = None
    also: Callable = lambda event: ()       # extra kinds this event proves
    items_field: Optional[str] = None       # the event's list of items, each with the staff and moment fields
    part_field: Optional[str] = None        # what tells the items apart (kept as the fact's `part`)
    proves_nothing: Callable = lambda event: False   # an event that is no one's work (e.g. a split's backorder)

    @property
    def origin(self):
        return f"{self.source}.{self.event_type}"


def _in_sla(event):
    return ("case_answered_in_sla",) if event["within_sla"] else ()


SOURCES = (
    FactSource("order_review", "order_approved", "order_reviewed", "reviewer", "approved_at", "order_no",
               seconds_field="seconds_to_decision", also=lambda e: ("order_approved",),
               # a backorder (拆单, issue #23) was reviewed with its order: not another review
               proves_nothing=lambda e: bool(e.get("split_from"))),
    FactSource("order_review", "order_rejected", "order_reviewed", "reviewer", "rejected_at", "order_no",
               seconds_field="seconds_to_decision", also=lambda e: ("order_rejected",)),
    FactSource("order_review", "order_corrected", "order_corrected", "reviewer", "corrected_at", "order_no"),
    FactSource("picking_packing", "order_picked", "line_picked", "picker", "scanned_at", "order_no",
               items_field="lines", part_field="sku"),
    FactSource("picking_packing", "parcel_packed", "parcel_packed", "packer", "packed_at", "order_no"),
    FactSource("picking_packing", "parcel_weight_mismatch", "weight_mismatch", "packer", "weighed_at", "order_no"),
    FactSource("shipping_labels", "label_reprinted", "label_reprinted", "by", None, "order_no"),
    # The hand-over is scanned at shipping labels (POST /handovers), which tells it as the order shipped.
    FactSource("shipping_labels", "order_shipped", "parcel_handed_over", "shipper", "shipped_at", "order_no"),
    FactSource("after_sales", "case_opened", "case_opened", "agent", None, "case_id"),
    FactSource("after_sales", "case_answered", "case_answered", "agent", "answered_at", "case_id", also=_in_sla),
    FactSource("after_sales", "sla_breached", "sla_breached", "agent", "deadline", "case_id"),
    FactSource("after_sales", "refund_paid", "refund_paid", "paid_by", "paid_at", "case_id"),
    FactSource("after_sales", "case_approved", "case_decided", "supervisor", None, "case_id"),
    FactSource("after_sales", "case_rejected", "case_decided", "supervisor", None, "case_id"),
    FactSource("after_sales", "case_closed", "case_closed", "by", None, "case_id"),
    FactSource("customer_retention", "follow_up_logged", "follow_up", "rep", "logged_at", "customer_key"),
    FactSource("customer_retention", "protection_expired", "protection_lapsed", "rep", "expired_at",
               "customer_key"),
    FactSource("customer_retention", "care_task_completed", "care_task_completed", "staff_id", "completed_at",
               "task_id"),
)

BY_ORIGIN = {spec.origin: spec for spec in SOURCES}


def source_of(source, event_type):
    """What `source`'s `event_type` proves; each has its consumer in service.py, named `on_<event_type>`."""
    return BY_ORIGIN[f"{source}.{event_type}"]
