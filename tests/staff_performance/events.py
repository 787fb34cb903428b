"""Other services' events, as their contracts define them, for publishing on the real broker."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from tools.storefront import make_order

SH = ZoneInfo("Asia/Shanghai")


def sh(day, hh, mm):
    """A Shanghai wall-clock moment as an aware datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH)


def order_approved(reviewer, at, seconds=120.0):
    order = make_order()["order"]
    return "order_review", "order_approved", {
        "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "placed_at": at, "approved_at": at, "reviewer": reviewer, "seconds_to_decision": seconds,
        "lines": [{k: line[k] for k in ("sku", "name", "qty", "unit_price", "unit_weight_g")}
                  for line in order["lines"]],
        "shipping_address": order["shipping_address"], "payment_method": "prepaid", "cod_amount": "0.00",
        "total": order["total"]}


def order_rejected(reviewer, at, seconds=300.0):
    return "order_review", "order_rejected", {
        "order_no": _no("SO"), "customer_id": "C-1", "reason": "fraud", "reviewer": reviewer, "rejected_at": at,
        "seconds_to_decision": seconds}


def order_picked(*lines):
    """A picked order; each line, (picker, moment), is a `line_picked` fact for whoever picked it."""
    return "picking_packing", "order_picked", {
        "order_no": _no("SO"), "picker": lines[-1][0], "picked_at": max(at for _, at in lines),
        "lines": [{"sku": f"SKU-{k}", "qty": 2, "picker": picker, "scanned_at": at}
                  for k, (picker, at) in enumerate(lines, 1)]}


def parcel_packed(packer, at):
    return "picking_packing", "parcel_packed", {
        "order_no": _no("SO"), "weight_g": 500, "expected_weight_g": 510, "packer": packer, "station_id": "P1",
        "packed_at": at}


def parcel_weight_mismatch(packer, at):
    return "picking_packing", "parcel_weight_mismatch", {
        "order_no": _no("SO"), "weight_g": 900, "expected_min_g": 450, "expected_max_g": 550, "packer": packer,
        "station_id": "P1", "weighed_at": at}


def order_shipped(shipper, at):
    """The hand-over scan, as shipping labels tells it (the fact `parcel_handed_over`)."""
    return "shipping_labels", "order_shipped", {
        "order_no": _no("SO"), "tracking_no": "EE123456785CN", "carrier": "EMS", "shipper": shipper,
        "shipped_at": at}


def label_reprinted(by, at):
    return "shipping_labels", "label_reprinted", {
        "order_no": _no("SO"), "tracking_no": "EE123456785CN", "by": by, "reason": "smudged", "count": 1,
        "occurred_at": at}


def case_answered(agent, at, within_sla=True):
    return "after_sales", "case_answered", {
        "case_id": _case(), "order_no": _no("SO"), "agent": agent, "answered_at": at, "within_sla": within_sla}


def sla_breached(agent, at):
    return "after_sales", "sla_breached", {
        "case_id": _case(), "order_no": _no("SO"), "agent": agent, "deadline": at, "difficult": False}


def refund_paid(by, at):
    return "after_sales", "refund_paid", {
        "case_id": _case(), "order_no": _no("SO"), "customer_id": "C-1", "amount": "59.00", "paid_by": by,
        "paid_at": at}


def follow_up_logged(rep, at):
    return "customer_retention", "follow_up_logged", {
        "customer_key": _no("CK"), "rep": rep, "kind": "call", "logged_at": at}


def protection_expired(rep, at):
    return "customer_retention", "protection_expired", {"customer_key": _no("CK"), "rep": rep, "expired_at": at}


def care_task_completed(staff_id, at):
    return "customer_retention", "care_task_completed", {
        "task_id": _case(), "kind": "after_delivery", "staff_id": staff_id, "outcome": "resolved", "completed_at": at}


def _no(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _case():
    return uuid.uuid4().int % 10 ** 9
