"""The fixed scanner API, `POST /scans`, on the real broker and database (business rules §1: each
step done by a named person and recorded; §3: pick by the dispatch note, weigh every parcel)."""
import json
import uuid

import eventlet
import pytest
import sqlalchemy as sa

from services.picking_packing.models import PickLine, StockMovement, WeightCheck
from shared.messaging.dead_letters import list_dead_letters
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.picking_packing.conftest import line, stock_of, unique

WEIGHT_A, WEIGHT_B = 400, 1000       # goods 2 × 400 + 1 × 1000 + 50 packaging = 1850 g, ±93 g (5 %)


def ready_order(wh, qty_a=2):
    sku_a, sku_b = unique("SKU"), unique("SKU")
    wh.receive((sku_a, 5), (sku_b, 5))
    order_no = wh.approve(line(sku_a, qty_a, WEIGHT_A), line(sku_b, 1, WEIGHT_B))
    wh.pick_list(order_no, "ready")
    return order_no, sku_a, sku_b


def picked_order(wh):
    order_no, sku_a, sku_b = ready_order(wh)
    assert wh.scan("pick", order_no=order_no, barcode=sku_a, qty=2).status_code == 200
    assert wh.scan("pick", order_no=order_no, barcode=sku_b).status_code == 200
    return order_no, sku_a, sku_b


def test_pick_scans_refuse_wrong_items_and_over_picks_and_say_what_is_left(warehouse):
    """§3 发货员 根据发货单配货: every scanned item must be on the order, no more than ordered."""
    wh = warehouse()
    order_no, sku_a, sku_b = ready_order(wh)
    barcode = unique("690")
    assert wh.http("PUT", f"/barcodes/{barcode}", json={"sku": sku_a}).status_code == 200

    first = wh.scan("pick", order_no=order_no, barcode=barcode, staff="P-7", station_id="ST-3")
    assert first.status_code == 200
    assert first.json()["status"] == "picking" and first.json()["next"] == "pick"
    assert [(r["sku"], r["left"]) for r in first.json()["remaining"]] == sorted([(sku_a, 1), (sku_b, 1)])

    wrong = wh.scan("pick", order_no=order_no, barcode="SKU-NOT-ON-ORDER")
    assert (wrong.status_code, wrong.json()["error"]) == (409, "wrong_item")
    assert len(wrong.json()["remaining"]) == 2
    over = wh.scan("pick", order_no=order_no, barcode=sku_a, qty=2)
    assert (over.status_code, over.json()["error"]) == (409, "over_pick")
    assert over.json()["next"] == "pick"
    assert wh.scan("pick", order_no=order_no, barcode=sku_a).status_code == 200
    last = wh.scan("pick", order_no=order_no, barcode=sku_b, staff="P-7")
    assert (last.json()["status"], last.json()["remaining"], last.json()["next"]) == ("picked", [],
                                                                                      "pack and weigh")
    again = wh.scan("pick", order_no=order_no, barcode=sku_b)
    assert (again.status_code, again.json()["error"]) == (409, "over_pick")

    unknown = wh.scan("pick", order_no="SO-NOBODY", barcode=sku_a)
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_order")
    # The picked order names who picked each line (the last scan of it) and when.
    [picked] = wh.events("order_picked", order_no=order_no)
    assert picked["picker"] == "P-7"
    assert [(l["sku"], l["qty"], l["picker"]) for l in picked["lines"]] == sorted([(sku_a, 2, "P-1"),
                                                                                  (sku_b, 1, "P-7")])
    assert all(l["scanned_at"] <= picked["picked_at"] for l in picked["lines"])
    assert wh.scan("pick", role="warehouse", order_no=order_no, barcode=sku_a).status_code == 403


def test_a_scan_posted_again_returns_the_first_answer_and_counts_once(warehouse):
    """Scanners retry on bad Wi-Fi: the same scan_id is answered once, from memory afterwards."""
    wh = warehouse()
    order_no, sku_a, sku_b = ready_order(wh)
    scan_id = str(uuid.uuid4())
    first = wh.scan("pick", scan_id=scan_id, order_no=order_no, barcode=sku_a)
    retry = wh.scan("pick", scan_id=scan_id, order_no=order_no, barcode=sku_a)
    assert retry.status_code == 200 and retry.json() == first.json()
    assert retry.headers.get("Idempotent-Replay") == "true"
    with wh.db.read() as session:
        line_a = session.get(PickLine, (order_no, sku_a))
        assert (line_a.picked, line_a.picker) == (1, "P-1")

    refused_id = str(uuid.uuid4())
    refused = wh.scan("pick", scan_id=refused_id, order_no=order_no, barcode="SKU-NOPE")
    assert wh.scan("pick", scan_id=refused_id, order_no=order_no, barcode="SKU-NOPE").json() == refused.json()
    reused = wh.scan("pick", scan_id=scan_id, order_no=order_no, barcode=sku_b)
    assert (reused.status_code, reused.json()["error"]) == (422, "idempotency_key_reused")


def test_two_scanners_racing_for_the_last_unit_of_a_line_pick_it_once(warehouse):
    wh = warehouse()
    order_no, sku_a, _ = ready_order(wh, qty_a=1)
    answers = list(eventlet.GreenPool(4).imap(lambda _: wh.scan("pick", order_no=order_no, barcode=sku_a),
                                              range(4)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"over_pick"}
    with wh.db.read() as session:
        assert session.get(PickLine, (order_no, sku_a)).picked == 1


def test_two_scanners_picking_the_last_two_lines_at_once_complete_the_order_once(warehouse):
    """The scanner that waited for the other sees the line it picked: the last pick completes the order."""
    wh = warehouse()
    for _ in range(3):
        order_no, sku_a, sku_b = ready_order(wh, qty_a=1)
        answers = list(eventlet.GreenPool(2).imap(
            lambda pick: wh.scan("pick", staff=pick[0], order_no=order_no, barcode=pick[1]),
            [("P-1", sku_a), ("P-2", sku_b)]))
        assert [a.status_code for a in answers] == [200, 200]
        assert sorted(a.json()["status"] for a in answers) == ["picked", "picking"]
        assert wh.pick_list(order_no).status == "picked"
        [picked] = wh.events("order_picked", order_no=order_no)
        assert [(l["sku"], l["picker"]) for l in picked["lines"]] == sorted([(sku_a, "P-1"), (sku_b, "P-2")])


def test_pack_needs_every_line_picked_and_a_weight_inside_tolerance(warehouse):
    """§3 称重: weigh every parcel; far from the expected weight, it is held for re-check, not shipped."""
    wh = warehouse()
    order_no, sku_a, sku_b = ready_order(wh)
    assert wh.scan("pick", order_no=order_no, barcode=sku_a).status_code == 200
    early = wh.scan("pack", order_no=order_no, weight_g=1850)
    assert (early.status_code, early.json()["error"]) == (409, "incomplete_pick")
    assert sorted((m["sku"], m["left"]) for m in early.json()["missing"]) == sorted([(sku_a, 1), (sku_b, 1)])
    wh.scan("pick", order_no=order_no, barcode=sku_a)
    wh.scan("pick", order_no=order_no, barcode=sku_b)

    light = wh.scan("pack", role="packer", staff="K-1", station_id="SC-2", order_no=order_no, weight_g=1756)
    assert (light.status_code, light.json()["error"]) == (409, "weight_mismatch")
    assert (light.json()["expected_min_g"], light.json()["expected_max_g"]) == (1757, 1943)
    assert light.json()["status"] == "held" and light.json()["next"] == "re-weigh, or a supervisor override"
    heavy = wh.scan("pack", order_no=order_no, weight_g=1944)
    assert (heavy.status_code, heavy.json()["error"]) == (409, "weight_mismatch")
    mismatches = wh.events("parcel_weight_mismatch", order_no=order_no)
    assert [(m["weight_g"], m["packer"], m["station_id"]) for m in mismatches] == [
        (1756, "K-1", "SC-2"), (1944, "P-1", "ST-1")]

    packed = wh.scan("pack", role="packer", staff="K-1", station_id="SC-2", order_no=order_no, weight_g=1757)
    assert packed.status_code == 200
    assert (packed.json()["status"], packed.json()["next"]) == (
        "packed", "hand over to the courier (scanned at shipping labels)")
    event = wh.events("parcel_packed", order_no=order_no)[0]
    assert (event["weight_g"], event["expected_weight_g"], event["packer"], event["station_id"]) == (
        1757, 1850, "K-1", "SC-2")
    assert event["override_by"] is None
    repeat = wh.scan("pack", order_no=order_no, weight_g=1850)
    assert (repeat.status_code, repeat.json()["error"]) == (409, "not_packable")


@pytest.mark.parametrize("edge, beyond", [("expected_max_g", +1), ("expected_min_g", -1)])
def test_rule3_a_parcel_weighing_exactly_an_edge_of_the_window_is_packed_a_gram_beyond_is_held(
        warehouse, edge, beyond):
    """§3 称重: the window's both ends are inside it (1850 g ± 93 g: 1757–1943 g)."""
    wh = warehouse()
    order_no, _, _ = picked_order(wh)
    weight = wh.http("GET", f"/pick-lists/{order_no}", role="packer").json()[edge]
    assert weight == {"expected_min_g": 1757, "expected_max_g": 1943}[edge]
    outside = wh.scan("pack", order_no=order_no, weight_g=weight + beyond)
    assert (outside.status_code, outside.json()["error"], outside.json()["status"]) == (
        409, "weight_mismatch", "held")
    on_the_edge = wh.scan("pack", order_no=order_no, weight_g=weight)
    assert (on_the_edge.status_code, on_the_edge.json()["status"]) == (200, "packed")
    assert [e["weight_g"] for e in wh.events("parcel_packed", order_no=order_no)] == [weight]


def test_a_supervisor_override_packs_a_held_parcel_with_a_reason_on_record(warehouse):
    wh = warehouse(WEIGHT_TOLERANCE_MIN_G=10, WEIGHT_TOLERANCE_PERCENT="1")
    order_no, _, _ = picked_order(wh)
    path = f"/pick-lists/{order_no}/weight-override"
    assert wh.http("POST", path, role="supervisor", json={"reason": "no weighing yet"}).json()["error"] == "not_held"
    held = wh.scan("pack", staff="K-2", order_no=order_no, weight_g=1800)    # 1 % of 1850: 1831-1869
    assert (held.json()["expected_min_g"], held.json()["expected_max_g"]) == (1831, 1869)

    assert wh.http("POST", path, role="packer", json={"reason": "trust me"}).status_code == 403
    assert wh.http("POST", path, role="supervisor", json={}).json()["fields"] == {
        "reason": ["Missing data for required field."]}
    accepted = wh.http("POST", path, role="supervisor", staff="SUP-1",
                       json={"reason": "gift box is lighter than the catalogue says"})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "packed")
    event = wh.events("parcel_packed", order_no=order_no)[0]
    assert (event["weight_g"], event["packer"], event["override_by"]) == (1800, "K-2", "SUP-1")
    with wh.db.read() as session:
        audit = session.scalars(sa.select(WeightCheck).where(WeightCheck.order_no == order_no)
                                .order_by(WeightCheck.id)).all()
    assert [(c.accepted, c.by, c.override_reason) for c in audit] == [
        (False, "K-2", None), (True, "SUP-1", "gift box is lighter than the catalogue says")]


def test_whoever_weighed_a_held_parcel_cant_accept_its_weight_another_supervisor_can(warehouse):
    """Issue 17: the packer's own wrong weight is re-checked by a second person (§3)."""
    wh = warehouse()
    order_no, _, _ = picked_order(wh)
    path = f"/pick-lists/{order_no}/weight-override"
    wh.scan("pack", role="packer", staff="K-3", order_no=order_no, weight_g=1500)
    wh.scan("pack", role="packer", staff="K-4", order_no=order_no, weight_g=1500)   # a colleague re-weighs it
    for packer in ("K-4", "K-3"):                                                    # the last and the first
        denied = wh.http("POST", path, role="supervisor", staff=packer, json={"reason": "我称的，没问题"})
        assert (denied.status_code, denied.json()["error"]) == (403, "packed_by_you")
        assert denied.json()["message"] == f"{packer} packed {order_no}: another supervisor must accept its weight"
    assert wh.pick_list(order_no).status == "held" and wh.events("parcel_packed", order_no=order_no) == []
    with wh.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).where(WeightCheck.order_no == order_no)) == 2

    accepted = wh.http("POST", path, role="supervisor", staff="SUP-2", json={"reason": "复核：赠品未登记重量"})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "packed")
    assert wh.events("parcel_packed", order_no=order_no)[0]["override_by"] == "SUP-2"


def shipped(wh, order_no, tracking_no="EE123456785CN", shipper="SH-4"):
    """shipping labels took the hand-over scan: order_shipped, once the floor has consumed it."""
    return wh.handled(wh.publish("shipping_labels", "order_shipped", {
        "order_no": order_no, "carrier": "EMS", "tracking_no": tracking_no, "shipper": shipper,
        "shipped_at": utcnow()}))


def packed_order(wh):
    order_no, sku_a, sku_b = picked_order(wh)
    assert wh.scan("pack", order_no=order_no, weight_g=1850).status_code == 200
    return order_no, sku_a, sku_b


def test_an_old_scanners_hand_over_is_sent_to_shipping_labels(warehouse):
    """Issue 18 item 3: the hand-over is scanned where labels are voided; the floor names the new endpoint."""
    wh = warehouse()
    order_no, _, _ = packed_order(wh)
    moved = wh.scan("handover", role="shipper", tracking_no="EE123456785CN")
    assert (moved.status_code, moved.json()["error"]) == (400, "validation_failed")
    assert list(moved.json()["fields"]) == ["type"] and "POST /handovers" in moved.json()["fields"]["type"][0]
    assert wh.pick_list(order_no).status == "packed"
    schema = wh.http("GET", "/openapi.json").json()["components"]["schemas"]
    assert "handover" not in json.dumps(schema)


def test_the_floor_hears_of_the_hand_over_from_shipping_labels(warehouse):
    """§4 发货: shipping labels decides the hand-over; the pick list follows and its goods leave the stock."""
    wh = warehouse()
    order_no, sku_a, sku_b = packed_order(wh)
    shipped(wh, order_no, "EE123456785CN", "SH-4")
    sheet = wh.pick_list(order_no)
    assert (sheet.status, sheet.tracking_no, sheet.shipper) == ("handed_over", "EE123456785CN", "SH-4")
    assert stock_of(wh.db, sku_a) == (3, 0) and stock_of(wh.db, sku_b) == (4, 0)
    with wh.db.read() as session:
        moved = session.scalars(sa.select(StockMovement).where(StockMovement.reference == order_no)).all()
    assert sorted((m.sku, m.kind, m.change, m.by) for m in moved) == sorted(
        [(sku_a, "shipped", -2, "SH-4"), (sku_b, "shipped", -1, "SH-4")])
    shipped(wh, order_no, "EE123456785CN", "SH-5")   # told twice (a second event): the goods left once
    assert stock_of(wh.db, sku_a) == (3, 0) and wh.pick_list(order_no).shipper == "SH-4"

    floor = wh.http("GET", "/pick-lists?status=handed_over", role="picker").json()
    assert [p["order_no"] for p in floor["pick_lists"]] == [order_no] and floor["counts"]["handed_over"] == 1
    assert wh.http("GET", "/pick-lists?status=lost", role="picker").status_code == 400
    assert "/scans" in wh.http("GET", "/openapi.json").json()["paths"]


def test_a_parcel_cancelled_here_but_handed_over_at_shipping_leaves_the_shelf(warehouse):
    """The cancellation reached the floor first, shipping labels had handed the parcel over: the goods are gone,
    so nothing is put away; if they were promised to another order since, a person must count them."""
    wh = warehouse()
    order_no, sku_a, sku_b = packed_order(wh)
    wh.handled(wh.publish("after_sales", "order_cancelled", {"case_id": 7, "order_no": order_no,
                                                               "reason": "refund", "by": "A-1"}))
    assert wh.pick_list(order_no).status == "cancelled" and stock_of(wh.db, sku_a) == (5, 0)
    assert {t["status"] for t in wh.http("GET", "/tasks?kind=put_away").json()["tasks"]} == {"open"}
    shipped(wh, order_no)
    assert wh.pick_list(order_no).status == "handed_over"
    assert stock_of(wh.db, sku_a) == (3, 0) and stock_of(wh.db, sku_b) == (4, 0)
    tasks = wh.http("GET", "/tasks?status=called_off", role="warehouse").json()["tasks"]
    assert sorted((t["order_no"], t["sku"], t["done_by"]) for t in tasks) == sorted(
        [(order_no, sku_a, "SH-4"), (order_no, sku_b, "SH-4")])

    promised, sku_c, _ = packed_order(wh)
    wh.handled(wh.publish("after_sales", "order_cancelled", {"case_id": 8, "order_no": promised,
                                                               "reason": "refund", "by": "A-1"}))
    wh.pick_list(wh.approve(line(sku_c, 5, WEIGHT_A)), "ready")   # all five given to another order since
    event = wh.publish("shipping_labels", "order_shipped", {
        "order_no": promised, "carrier": "EMS", "tracking_no": "EE123456785CN", "shipper": "SH-4",
        "shipped_at": utcnow()})
    letter = wait_for(lambda: [d for d in list_dead_letters(wh.amqp_uri, "picking_packing")
                               if d.event_id == event["event_id"]])[0]
    assert "promised to other orders" in letter.reason and sku_c in letter.reason
    assert wh.pick_list(promised).status == "cancelled" and stock_of(wh.db, sku_c) == (5, 5)


def test_rule3_a_pick_list_shows_its_weight_window_from_the_configured_tolerance(warehouse):
    """business-rules §3: the parcel must weigh within max(min_g, percent) of the expected weight."""
    wh = warehouse(WEIGHT_TOLERANCE_MIN_G=10, WEIGHT_TOLERANCE_PERCENT="1")
    light, heavy = wh.approve(line(unique("SKU"), 1, unit_weight_g=300)), wh.approve(line(unique("SKU"), 3, 4000))
    for order_no in (light, heavy):
        wh.pick_list(order_no)
        shown = wh.http("GET", f"/pick-lists/{order_no}", role="packer").json()
        expected = shown["expected_weight_g"]
        margin = max(10, -(-expected // 100))   # 1 %, rounded up, but at least 10 g
        assert (shown["expected_min_g"], shown["expected_max_g"]) == (expected - margin, expected + margin)


def test_scans_on_pick_lists_not_ready_are_refused(warehouse):
    wh = warehouse()
    sku = unique("SKU")
    waiting = wh.approve(line(sku, 1))
    wh.pick_list(waiting, "waiting_stock")
    refused = wh.scan("pick", order_no=waiting, barcode=sku)
    assert (refused.status_code, refused.json()["error"], refused.json()["next"]) == (
        409, "not_pickable", "wait for stock")
    assert wh.scan("pack", order_no="SO-NOBODY", weight_g=100).status_code == 404
    shown = wh.http("GET", f"/pick-lists/{waiting}", role="packer").json()
    assert (shown["status"], shown["next"], shown["lines"][0]["sku"]) == ("waiting_stock", "wait for stock", sku)
    assert wh.http("GET", "/pick-lists/SO-NOBODY", role="packer").json()["error"] == "unknown_order"
