"""The pipeline board: how many orders stand at each stage right now, asked of each service in turn.

A service that can't answer leaves its stages unknown (and says why) without hiding the others.
"""
from collections import Counter

from services.web_console.api import ApiError

QUEUE_LIMIT = 200   # the review queue's page size: at the limit the board says "200+"
PICK_STAGES = ("waiting_stock", "ready", "picking", "picked", "held", "packed", "handed_over")
OPEN_CASE_STATES = ("pending_approval", "negotiation", "approved", "awaiting_secured", "awaiting_return",
                    "return_shipped", "received", "refund_pending", "refunded", "replacement_ordered", "recovery_open")


def _review(api):
    held = len(api.get("order_review", "/queue", limit=QUEUE_LIMIT)["orders"])
    return [("review.held", f"{held}+" if held >= QUEUE_LIMIT else held)]


def _floor(api):
    counts = api.get("picking_packing", "/pick-lists", limit=1)["counts"]
    return [(f"pick.{stage}", counts.get(stage, 0)) for stage in PICK_STAGES]


def _after_sales(api):
    counts = Counter(case["status"] for case in api.get("after_sales", "/cases", limit=500)["cases"])
    return [(f"case.{state}", counts.get(state, 0)) for state in OPEN_CASE_STATES]


def _shipping(api, carriers, day):
    """Today's hand-overs and manifest exceptions, over every carrier's manifest."""
    sheets = [api.get("shipping_labels", f"/manifests/{day}", carrier=carrier) for carrier in carriers]
    return [("ship.today", sum(sheet["totals"]["parcels"] for sheet in sheets)),
            ("ship.exceptions", sum(len(sheet["exceptions"]) for sheet in sheets))]


def board(api, carriers, day):
    """[(service, [(stage key, count)], error or None)]"""
    sections = (("order_review", lambda: _review(api)), ("picking_packing", lambda: _floor(api)),
                ("shipping_labels", lambda: _shipping(api, carriers, day)),
                ("after_sales", lambda: _after_sales(api)))
    found = []
    for service, count in sections:
        try:
            found.append((service, count(), None))
        except ApiError as error:
            found.append((service, [], error))
    return found
