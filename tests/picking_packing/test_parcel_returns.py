"""Parcels returned to sender (issue 18 item 4; 000 art. 6: about 30 % of COD parcels come back; 破损退件
管理): a return receipt with what the parcel held; the warehouse inspects every line, restocking it or
recording it damaged, with who and when. On the real broker and database."""
import pytest
import sqlalchemy as sa

from services.picking_packing import parcel_returns
from services.picking_packing.models import StockMovement
from shared.timeutil import utcnow
from tests.picking_packing.conftest import line, stock_of, unique


def returned(order_no, method="cod"):
    return {"order_no": order_no, "tracking_no": "EE123456785CN", "payment_method": method,
            "cod_amount_not_collected": "177.00" if method == "cod" else "0.00"}


def test_a_returned_parcel_is_received_and_each_line_restocked_or_recorded_damaged(warehouse):
    wh = warehouse()
    cup, cable = unique("SKU"), unique("SKU")
    wh.receive((cup, 5), (cable, 5))
    order_no = wh.approve(line(cup, qty=2), line(cable, name="数据线"))
    wh.pick_list(order_no, "ready")
    assert wh.http("GET", f"/parcel-returns/{order_no}").status_code == 404

    event = wh.publish("shipping_labels", "parcel_returned_to_sender", returned(order_no))
    wh.handled(event)
    wh.handled(wh.publish("shipping_labels", "parcel_returned_to_sender", returned(order_no)))   # told twice
    waiting = wh.http("GET", "/parcel-returns", params={"status": "awaiting_inspection"}).json()["parcel_returns"]
    assert [(r["order_no"], r["payment_method"], r["inspected_by"]) for r in waiting] == [(order_no, "cod", None)]
    assert [(l["sku"], l["qty"], l["outcome"]) for l in waiting[0]["lines"]] == sorted(
        [(cup, 2, None), (cable, 1, None)])

    url = f"/parcel-returns/{order_no}/inspection"
    half = wh.http("POST", url, staff="W-2", json={"lines": [{"sku": cup, "outcome": "restock"},
                                                             {"sku": "NOPE", "outcome": "damaged"}]})
    assert (half.status_code, half.json()["error"]) == (422, "inspection_incomplete")
    assert half.json()["fields"] == {"lines": {cable: ["not inspected: restock or damaged"],
                                               "NOPE": ["not in this parcel"]}}
    unsure = wh.http("POST", url, staff="W-2", json={"lines": [{"sku": cup, "outcome": "maybe"}]})
    assert unsure.status_code == 400 and "lines" in unsure.json()["fields"]
    assert wh.http("POST", url, role="packer", json={"lines": []}).status_code == 403
    assert stock_of(wh.db, cup) == (5, 2)   # nothing moved by the refusals

    done = wh.http("POST", url, staff="W-2", json={
        "lines": [{"sku": cup, "outcome": "restock"}, {"sku": cable, "outcome": "damaged"}], "remarks": "外箱压坏"})
    assert done.status_code == 200, done.text
    receipt = done.json()
    assert (receipt["status"], receipt["inspected_by"], receipt["remarks"]) == ("inspected", "W-2", "外箱压坏")
    assert receipt["inspected_at"] is not None
    assert {l["sku"]: l["outcome"] for l in receipt["lines"]} == {cup: "restock", cable: "damaged"}
    assert stock_of(wh.db, cup) == (7, 2) and stock_of(wh.db, cable) == (5, 1)
    with wh.db.read() as session:
        movement = session.scalars(sa.select(StockMovement).where(StockMovement.sku == cup,
                                                                  StockMovement.kind == "returned")).one()
    assert (movement.change, movement.by, movement.reference) == (2, "W-2", order_no)
    assert wh.events("stock_restocked", sku=cup)[-1]["reason"] == "returned"
    damaged = wh.http("GET", "/defective-goods").json()["defective"]
    assert [(d["sku"], d["qty"], d["condition"], d["case_id"], d["received_by"]) for d in damaged] == [
        (cable, 1, "damaged", None, "W-2")]

    again = wh.http("POST", url, staff="W-3", json={"lines": [{"sku": cup, "outcome": "restock"},
                                                              {"sku": cable, "outcome": "restock"}]})
    assert (again.status_code, again.json()["error"], again.json()["inspected_by"]) == (409, "already_inspected", "W-2")
    assert stock_of(wh.db, cup) == (7, 2)


def test_a_return_before_its_pick_list_is_retried(db):
    with pytest.raises(parcel_returns.PickListNotKnownYet), db.unit_of_work() as uow:
        parcel_returns.expect(uow, {**returned(unique("SO")), "occurred_at": utcnow()})


def test_inspection_needs_every_line_once(warehouse):
    wh = warehouse()
    twice = wh.http("POST", "/parcel-returns/SO-X/inspection", json={
        "lines": [{"sku": "A", "outcome": "restock"}, {"sku": "A", "outcome": "damaged"}]})
    assert twice.status_code == 400 and twice.json()["fields"] == {"lines": ["each line is decided once"]}
    unknown = wh.http("POST", "/parcel-returns/SO-X/inspection", json={"lines": [{"sku": "A", "outcome": "restock"}]})
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_parcel_return")
