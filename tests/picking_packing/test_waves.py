"""Wave picking (波次, issue #23): a supervisor makes a wave of the oldest ready orders of one warehouse (N of
them, or a courier's, or a zone's), the picker walks its route sorted by bin and scans; each scan is credited to
the wave's orders by put-wall slot through the scanner's own pick. Scans stay idempotent, over-picks are refused.
On the real broker and database."""
import uuid

import eventlet

from services.picking_packing import waves
from services.picking_packing.models import PickLine
from tests.picking_packing.conftest import approved, earlier, line, unique
from tests.picking_packing.test_warehouses import receive_into


# -- the rule, pure ------------------------------------------------------------------------------------
def test_the_route_is_one_stop_per_sku_and_bin_sorted_by_bin_with_the_put_wall_split():
    rows = [("B-02-03", "A", "杯", 1, 2), ("A-01-01", "B", "壶", 1, 1), ("B-02-03", "A", "杯", 2, 1),
            ("A-01-01", "A", "杯", 3, 1)]
    assert waves.route(rows) == [
        {"bin": "A-01-01", "sku": "A", "name": "杯", "qty": 1, "slots": [{"slot": 3, "qty": 1}]},
        {"bin": "A-01-01", "sku": "B", "name": "壶", "qty": 1, "slots": [{"slot": 1, "qty": 1}]},
        {"bin": "B-02-03", "sku": "A", "name": "杯", "qty": 3, "slots": [{"slot": 1, "qty": 2}, {"slot": 2, "qty": 1}]}]


# -- over HTTP, on the broker ----------------------------------------------------------------------------
def floor_with_stock(wh):
    """A warehouse W with bins A-01-01 (SKU b) and B-02-03 (SKU a), ten of each."""
    code = unique("W")[:12]
    assert wh.http("PUT", f"/warehouses/{code}", json={"name": "波次仓", "rank": 1}).status_code == 200
    for bin_code in ("A-01-01", "B-02-03"):
        assert wh.http("POST", f"/warehouses/{code}/bins", json={"code": bin_code}).status_code == 201
    sku_a, sku_b = unique("SKU"), unique("SKU")
    receive_into(wh, code, "B-02-03", (sku_a, 10))
    receive_into(wh, code, "A-01-01", (sku_b, 10))
    return code, sku_a, sku_b


def ready(wh, minutes_ago, *lines, courier=None):
    event = approved(*lines, approved_at=earlier(minutes_ago))
    event["courier"] = courier
    wh.publish("order_review", "order_approved", event)
    wh.pick_list(event["order_no"], "ready")
    return event["order_no"]


def make_wave(wh, role="supervisor", **body):
    return wh.http("POST", "/waves", role=role, staff="S-1", json=body)


def wave_scan(wh, wave_id, sku, quantity=1, scan_id=None, **more):
    return wh.http("POST", f"/waves/{wave_id}/scans", role="picker", staff="P-3",
                   json={"scan_id": scan_id or str(uuid.uuid4()), "sku": sku, "quantity": quantity, **more})


def test_a_wave_takes_the_oldest_ready_orders_of_a_selection_and_each_order_once(warehouse):
    wh = warehouse()
    code, sku_a, sku_b = floor_with_stock(wh)
    both = ready(wh, 40, line(sku_a, 2), line(sku_b))             # bins A-01-01 and B-02-03
    zone_b = ready(wh, 30, line(sku_a))                              # B-02-03 only
    zto = ready(wh, 20, line(sku_b, 2), courier="ZTO")             # A-01-01 only, ZTO
    late_b = ready(wh, 10, line(sku_a))                              # B-02-03 only
    # the size's bounds, both sides (nothing is taken by a refusal)
    for size in (0, 51):
        refused = make_wave(wh, size=size, warehouse=code)
        assert (refused.status_code, refused.json()["error"], refused.json()["field"]) == (
            422, "wave_size_out_of_range", "size")
    assert make_wave(wh, role="packer", size=1).status_code == 403   # pickers and supervisors make waves
    unknown = make_wave(wh, size=1, warehouse="NOWHERE")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_warehouse")

    by_zone = make_wave(wh, size=1, zone="B-02", warehouse=code)    # size 1: the oldest of the zone only
    assert by_zone.status_code == 201, by_zone.text
    assert [(o["slot"], o["order_no"]) for o in by_zone.json()["orders"]] == [(1, zone_b)]
    by_courier = make_wave(wh, "picker", size=50, courier="ZTO")    # a picker takes one; the oldest match's warehouse
    assert (by_courier.json()["warehouse"], [o["order_no"] for o in by_courier.json()["orders"]]) == (code, [zto])
    rest = make_wave(wh, size=50, warehouse=code)                   # size 50: everything left, oldest first
    assert [(o["slot"], o["order_no"]) for o in rest.json()["orders"]] == [(1, both), (2, late_b)]
    none_left = make_wave(wh, size=1, warehouse=code)
    assert (none_left.status_code, none_left.json()["error"]) == (409, "nothing_to_wave")

    listed = wh.http("GET", "/waves", role="warehouse").json()["waves"]
    assert [(w["id"], w["orders"], w["status"]) for w in listed] == [
        (rest.json()["id"], 2, "open"), (by_courier.json()["id"], 1, "open"), (by_zone.json()["id"], 1, "open")]
    assert (listed[2]["zone"], listed[1]["courier"], listed[0]["created_by"]) == ("B-02", "ZTO", "S-1")


def test_two_supervisors_making_waves_at_once_never_share_an_order(warehouse):
    wh = warehouse()
    code, sku_a, _ = floor_with_stock(wh)
    orders = [ready(wh, 10 - n, line(sku_a)) for n in range(3)]
    answers = list(eventlet.GreenPool(2).imap(lambda _: make_wave(wh, size=50, warehouse=code), range(2)))
    assert sorted(a.status_code for a in answers) == [201, 409]
    [made] = [a.json() for a in answers if a.status_code == 201]
    assert [o["order_no"] for o in made["orders"]] == orders


def test_the_picker_walks_the_route_by_bin_and_scans_are_sorted_into_slots(warehouse):
    wh = warehouse()
    code, sku_a, sku_b = floor_with_stock(wh)
    first = ready(wh, 20, line(sku_a, 2), line(sku_b))
    second = ready(wh, 10, line(sku_a))
    wave_id = make_wave(wh, size=2, warehouse=code).json()["id"]
    shown = wh.http("GET", f"/waves/{wave_id}", role="picker").json()
    assert [(s["bin"], s["sku"], s["qty"], s["slots"]) for s in shown["route"]] == [
        ("A-01-01", sku_b, 1, [{"slot": 1, "qty": 1}]),
        ("B-02-03", sku_a, 3, [{"slot": 1, "qty": 2}, {"slot": 2, "qty": 1}])]
    for unknown_id in (999999, 2 ** 31, 10 ** 20):
        assert wh.http("GET", f"/waves/{unknown_id}", role="picker").json()["error"] == "unknown_wave"

    # refusals: over the wave's need (one more than left), not in the wave, another bin, an unknown wave
    over = wave_scan(wh, wave_id, sku_a, 4)
    assert (over.status_code, over.json()["error"], over.json()["left"]) == (409, "wave_over_pick", 3)
    assert wave_scan(wh, wave_id, "SKU-NOT-HERE").json()["error"] == "not_in_wave"
    assert wave_scan(wh, wave_id, sku_a, bin="A-01-01").json()["error"] == "not_in_wave"
    unknown = wave_scan(wh, 999999, sku_a)
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_wave")

    scan_id = str(uuid.uuid4())
    one = wave_scan(wh, wave_id, sku_a, 1, scan_id=scan_id, bin="B-02-03")
    assert one.status_code == 200, one.text
    assert (one.json()["credited"], one.json()["left"]) == ([{"slot": 1, "order_no": first, "qty": 1}], 2)
    replay = wave_scan(wh, wave_id, sku_a, 1, scan_id=scan_id, bin="B-02-03")
    assert replay.json() == one.json() and replay.headers.get("Idempotent-Replay") == "true"
    with wh.db.read() as session:
        assert session.get(PickLine, (first, sku_a)).picked == 1   # counted once
    # exactly what is left is taken, split over the slots in order
    rest = wave_scan(wh, wave_id, sku_a, 2)
    assert rest.json()["credited"] == [{"slot": 1, "order_no": first, "qty": 1},
                                       {"slot": 2, "order_no": second, "qty": 1}]
    assert (rest.json()["left"], rest.json()["wave_status"]) == (0, "open")
    assert wh.pick_list(second).status == "picked"
    assert wh.wait_event("order_picked", order_no=second)[0]["picker"] == "P-3"
    assert wave_scan(wh, wave_id, sku_a).json()["error"] == "wave_over_pick"

    barcode = unique("690")
    assert wh.http("PUT", f"/barcodes/{barcode}", json={"sku": sku_b}).status_code == 200
    last = wave_scan(wh, wave_id, barcode)
    assert (last.status_code, last.json()["sku"], last.json()["wave_status"]) == (200, sku_b, "picked")
    assert wh.pick_list(first).status == "picked"
    assert [(l["sku"], l["qty"]) for l in wh.events("order_picked", order_no=first)[0]["lines"]] == sorted(
        [(sku_a, 2), (sku_b, 1)])
    assert wh.http("GET", "/waves", role="manager", params={"status": "picked"}).json()["waves"][0]["id"] == wave_id
    # the packing station: the order's put-wall slot
    assert wh.http("GET", f"/pick-lists/{first}").json()["wave"] == {"wave_id": wave_id, "slot": 1,
                                                                      "wave_status": "picked"}


def test_scanners_racing_for_the_last_unit_of_a_wave_pick_it_once(warehouse):
    wh = warehouse()
    code, sku_a, _ = floor_with_stock(wh)
    order_no = ready(wh, 5, line(sku_a))
    wave_id = make_wave(wh, size=1, warehouse=code).json()["id"]
    answers = list(eventlet.GreenPool(4).imap(lambda _: wave_scan(wh, wave_id, sku_a), range(4)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"wave_over_pick"}
    with wh.db.read() as session:
        assert session.get(PickLine, (order_no, sku_a)).picked == 1


def test_an_order_cancelled_in_a_wave_leaves_its_route_and_the_wave_ends_without_it(warehouse):
    wh = warehouse()
    code, sku_a, sku_b = floor_with_stock(wh)
    kept = ready(wh, 20, line(sku_a))
    cancelled = ready(wh, 10, line(sku_a), line(sku_b))
    wave_id = make_wave(wh, size=2, warehouse=code).json()["id"]
    wh.handled(wh.publish("after_sales", "order_cancelled", {"case_id": 9, "order_no": cancelled, "reason": "买家取消",
                                                             "by": "A-1"}))
    shown = wh.http("GET", f"/waves/{wave_id}").json()
    assert [(s["sku"], s["qty"]) for s in shown["route"]] == [(sku_a, 1)]
    assert [(o["slot"], o["status"]) for o in shown["orders"]] == [(1, "ready"), (2, "cancelled")]
    assert wave_scan(wh, wave_id, sku_a, 2).json()["error"] == "wave_over_pick"
    done = wave_scan(wh, wave_id, sku_a)
    assert (done.json()["credited"], done.json()["wave_status"]) == ([{"slot": 1, "order_no": kept, "qty": 1}],
                                                                     "picked")


# -- calling a wave off (波次取消) ---------------------------------------------------------------------------
def cancel_wave(wh, wave_id, role="supervisor", reason="拣货员临时调去收货"):
    return wh.http("POST", f"/waves/{wave_id}/cancel", role=role, staff="SUP-4", json={"reason": reason})


def test_a_called_off_wave_frees_its_unpicked_orders_and_keeps_the_slots_of_picked_goods(warehouse):
    wh = warehouse()
    code, sku_a, sku_b = floor_with_stock(wh)
    started = ready(wh, 30, line(sku_a, 2))     # slot 1: one of two picked in the wave
    untouched = ready(wh, 20, line(sku_b))      # slot 2: nothing picked
    wave_id = make_wave(wh, size=2, warehouse=code).json()["id"]
    assert wave_scan(wh, wave_id, sku_a, 1).json()["credited"] == [{"slot": 1, "order_no": started, "qty": 1}]
    assert cancel_wave(wh, wave_id, role="picker").status_code == 403
    assert cancel_wave(wh, wave_id, reason="no").status_code == 400   # a reason of 3 or more characters

    called_off = cancel_wave(wh, wave_id)
    assert called_off.status_code == 200, called_off.text
    body = called_off.json()
    assert (body["status"], body["released"], body["kept"]) == ("cancelled", [untouched], [started])
    assert (body["cancelled_by"], body["cancel_reason"]) == ("SUP-4", "拣货员临时调去收货")
    assert [o["order_no"] for o in body["orders"]] == [started]
    again = cancel_wave(wh, wave_id)
    assert (again.status_code, again.json()["error"], again.json()["wave_status"]) == (409, "wave_not_open",
                                                                                       "cancelled")
    assert cancel_wave(wh, 999999).json()["error"] == "unknown_wave"

    refused = wave_scan(wh, wave_id, sku_a, 1)   # the wave takes no more scans
    assert (refused.status_code, refused.json()["error"]) == (409, "wave_cancelled")
    # the goods picked stay in their slot, and the packer is told where; the rest is picked order by order
    assert wh.http("GET", f"/pick-lists/{started}").json()["wave"] == {"wave_id": wave_id, "slot": 1,
                                                                        "wave_status": "cancelled"}
    assert wh.scan("pick", order_no=started, barcode=sku_a).status_code == 200
    assert wh.pick_list(started).status == "picked"
    # the untouched order is free: the next wave takes it
    assert wh.http("GET", f"/pick-lists/{untouched}").json()["wave"] is None
    next_wave = make_wave(wh, size=5, warehouse=code)
    assert [o["order_no"] for o in next_wave.json()["orders"]] == [untouched]


def test_a_picked_wave_is_not_called_off(warehouse):
    wh = warehouse()
    code, sku_a, _ = floor_with_stock(wh)
    ready(wh, 5, line(sku_a))
    wave_id = make_wave(wh, size=1, warehouse=code).json()["id"]
    assert wave_scan(wh, wave_id, sku_a).json()["wave_status"] == "picked"
    refused = cancel_wave(wh, wave_id)
    assert (refused.status_code, refused.json()["error"], refused.json()["wave_status"]) == (409, "wave_not_open",
                                                                                            "picked")
