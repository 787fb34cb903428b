"""Issue #23, 合单: orders of one buyer to one address, from one warehouse, placed within MERGE_WINDOW_MINUTES
(inclusive), prepaid and not yet picked, are offered for merging into one parcel (merged on arrival with
MERGE_AUTOMATIC), packed as one parcel (one parcel_packed naming the others), and dissolved when an order of the
group is cancelled or its goods or address change."""
from datetime import timedelta
from types import SimpleNamespace

import eventlet
import pytest
import sqlalchemy as sa

from services.picking_packing import merging
from services.picking_packing.settings import Settings
from shared.addresses import address_key, normalise, phone_key
from shared.db.engine import normalize_url
from shared.migrations import upgrade
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.picking_packing.conftest import ADDRESS, approved, line, unique

T0 = utcnow().replace(microsecond=0)


# --- the rules ---------------------------------------------------------------------------------------------

def test_addresses_are_compared_without_spaces_punctuation_width_or_case():
    assert normalise("中山北路 １ 号，Ａ座（东门）") == normalise("中山北路1号a座东门") == "中山北路1号a座东门"
    assert normalise("中山北路1号") != normalise("中山北路2号")
    written_twice = dict(ADDRESS, line1="中山北路１号　Ｂ-栋", phone="138-1234 5678")
    assert address_key(written_twice) == address_key(dict(ADDRESS, line1="中山北路1号b栋"))
    assert phone_key(written_twice["phone"]) == phone_key("13812345678")


@pytest.mark.parametrize("written, key", [
    ("+86 138 1234 5678", "13812345678"), ("8613812345678", "13812345678"), ("＋８６１３８１２３４５６７８", "13812345678"),
    ("+86 128 1234 5678", "8612812345678"),   # no mainland mobile after the 86: kept whole
    ("86 138 1234 567", "861381234567"),      # a digit short of one: kept whole
    ("021-6123 4567", "02161234567"),
])
def test_a_mainland_mobile_is_one_number_with_or_without_its_country_code(written, key):
    assert phone_key(written) == key


def candidate(order_no, minutes=0, **changes):
    values = dict(customer_id="C1", address_key="k", phone_key="p", payment_method="prepaid",
                  placed_at=T0 + timedelta(minutes=minutes), status="ready", warehouse="MAIN", group_id=None)
    values.update(changes)
    return merging.Candidate(order_no, **values)


def test_the_window_is_inclusive_and_one_second_more_is_outside():
    assert merging.refusal([candidate("A"), candidate("B", minutes=60)], 60) is None
    late = candidate("B", minutes=60, placed_at=T0 + timedelta(minutes=60, seconds=1))
    assert merging.refusal([candidate("A"), late], 60)[:2] == ("merge_outside_window", "B")


@pytest.mark.parametrize("changes, code", [
    ({"payment_method": "cod"}, "merge_cod"),
    ({"customer_id": "C2"}, "merge_different_buyer"),
    ({"address_key": "other"}, "merge_different_address"),
    ({"phone_key": "other"}, "merge_different_address"),
    ({"warehouse": "W2"}, "merge_different_warehouse"),
    ({"status": "picking"}, "merge_already_picking"),
    ({"status": "waiting_stock"}, "merge_waiting_stock"),
    ({"status": "cancelled"}, "merge_cancelled"),
    ({"group_id": 7}, "merge_already_merged"),
])
def test_each_refusal_names_its_reason_and_the_order(changes, code):
    assert merging.refusal([candidate("A"), candidate("B", **changes)], 60)[:2] == (code, "B")


def test_offers_group_a_buyers_orders_within_the_window_from_the_first():
    orders = [candidate("A"), candidate("B", minutes=30), candidate("C", minutes=60), candidate("D", minutes=61),
              candidate("E", minutes=90), candidate("X", customer_id="C2"), candidate("Y", payment_method="cod"),
              candidate("Z", status="picking")]
    assert [[c.order_no for c in offer] for offer in merging.offers(orders, 60)] == [["A", "B", "C"], ["D", "E"]]


def test_a_merged_group_whose_orders_are_open_is_offered_whole_with_the_orders_that_may_join_it():
    group = [candidate("A", group_id=7), candidate("B", minutes=20, group_id=7)]
    loose = [candidate("C", minutes=50), candidate("D", minutes=61), candidate("X", customer_id="C2", minutes=5)]
    found = merging.offers(group + loose, 60, {7: group})
    assert [[c.order_no for c in offer] for offer in found] == [["A", "B", "C"]]   # D: 61 min after A, outside
    # a group not wholly open is not offered, and its orders are not loose: C and D make an offer of their own
    assert [[c.order_no for c in offer] for offer in merging.offers(group + loose, 60, {})] == [["C", "D"]]
    assert merging.offers(group, 60, {7: group}) == []   # never alone
    # the window holds the whole: an order 60 min after the group's first joins, one second more does not
    late = candidate("E", minutes=60)
    assert [c.order_no for c in merging.offers(group + [late], 60, {7: group})[0]] == ["A", "B", "E"]
    later = candidate("E", placed_at=T0 + timedelta(minutes=60, seconds=1))
    assert merging.offers(group + [later], 60, {7: group}) == []


def test_a_group_grows_to_at_most_twenty_orders():
    group = [candidate(f"G{n:02d}", group_id=7) for n in range(merging.MAX_ORDERS - 1)]
    loose = [candidate("J1", minutes=1), candidate("J2", minutes=2)]
    [offer] = merging.offers(group + loose, 60, {7: group})
    assert len(offer) == merging.MAX_ORDERS and "J1" in [c.order_no for c in offer]   # twenty: J2 is left out
    full = group + [candidate("G19", group_id=7)]
    offered_now = [[c.order_no for c in offer] for offer in merging.offers(full + loose, 60, {7: full})]
    assert offered_now == [["J1", "J2"]]   # a group of twenty takes no one more: the two pair up on their own


def test_settings_default_to_an_hour_and_offers():
    assert (Settings().merge_window_minutes, Settings().merge_automatic) == (60, False)


# --- the service ---------------------------------------------------------------------------------------------

def order(shop, customer, sku, minutes=0, **changes):
    event = approved(line(sku), approved_at=T0 + timedelta(minutes=minutes))
    event.update(customer_id=customer, **changes)
    shop.handled(shop.publish("order_review", "order_approved", event))
    return event["order_no"]


def merge(shop, *order_nos, role="supervisor"):
    return shop.http("POST", "/merges", role=role, staff="SUP-1", json={"order_nos": list(order_nos)})


def pick_and_pack(shop, order_no, sku, weight_g):
    assert shop.scan("pick", order_no=order_no, barcode=sku).status_code == 200
    return shop.scan("pack", order_no=order_no, weight_g=weight_g)


def offered(shop):
    answer = shop.http("GET", "/merge-offers", role="supervisor")
    assert answer.status_code == 200, answer.text
    return [[o["order_no"] for o in offer["orders"]] for offer in answer.json()["offers"]]


def test_a_merged_group_is_packed_as_one_parcel(warehouse):
    shop, customer, sku = warehouse(), unique("C"), unique("SKU")
    shop.receive((sku, 10))
    first = order(shop, customer, sku)
    second = order(shop, customer, sku, minutes=60, shipping_address=dict(ADDRESS, line1="中山北路１号"))
    order(shop, unique("C"), sku)   # another buyer's
    assert offered(shop) == [[first, second]]
    assert merge(shop, first, second, role="scanner").status_code == 403
    answer = merge(shop, first, second)
    assert answer.status_code == 201, answer.text
    assert answer.json()["orders"] == sorted([first, second]) and offered(shop) == []
    shown = shop.http("GET", f"/pick-lists/{first}").json()   # the packer sees the one parcel's window
    assert shown["merged_with"] == [{"order_no": second, "status": "ready"}]
    assert (shown["expected_min_g"], shown["expected_max_g"]) == (800, 900)
    assert "merged_with" not in shop.http("GET", f"/pick-lists/{unique('SO')}").json()
    refused = pick_and_pack(shop, first, sku, 850)
    assert refused.status_code == 409
    assert (refused.json()["error"], refused.json()["merged_orders"]) == (
        "merge_incomplete", [{"order_no": second, "status": "ready"}])
    packed = pick_and_pack(shop, second, sku, 850)   # two 400 g goods, the packaging (50 g) once
    assert packed.status_code == 200, packed.text
    [parcel] = shop.events("parcel_packed", order_no=second)
    assert (parcel["merged_orders"], parcel["expected_weight_g"]) == ([first], 850)
    assert shop.events("parcel_packed", order_no=first) == []
    assert shop.pick_list(first).status == shop.pick_list(second).status == "packed"
    [group] = shop.http("GET", "/merges", role="manager").json()["merges"]
    assert group["status"] == "packed" and group["merged_by"] == "SUP-1"


def test_merges_are_refused_with_their_reason(warehouse):
    shop, customer, sku = warehouse(), unique("C"), unique("SKU")
    shop.receive((sku, 10))
    first = order(shop, customer, sku)
    elsewhere = order(shop, customer, sku, shipping_address=dict(ADDRESS, line1="中山北路 2 号"))
    late = order(shop, customer, sku, minutes=61)
    cod = order(shop, customer, sku, payment_method="cod", cod_amount="59.00")
    picking = order(shop, customer, sku)
    assert shop.scan("pick", order_no=picking, barcode=sku).status_code == 200
    for other, code in [(elsewhere, "merge_different_address"), (late, "merge_outside_window"),
                        (cod, "merge_cod"), (picking, "merge_already_picking")]:
        answer = merge(shop, first, other)
        assert (answer.status_code, answer.json()["error"], answer.json()["order_no"]) == (409, code, other)
    assert merge(shop, first, unique("SO")).json()["error"] == "unknown_order"
    assert merge(shop, first, first).status_code == 400
    assert shop.http("GET", "/merges", role="supervisor").json()["merges"] == []


def merged_pair(shop):
    """Two orders of one buyer, merged: (first, second, their SKU)."""
    customer, sku = unique("C"), unique("SKU")
    shop.receive((sku, 10))
    first, second = order(shop, customer, sku), order(shop, customer, sku, minutes=5)
    assert merge(shop, first, second).status_code == 201
    return first, second, sku


def test_a_cancelled_order_dissolves_its_group_and_the_other_packs_alone(warehouse):
    shop = warehouse()
    first, second, sku = merged_pair(shop)
    shop.handled(shop.publish("after_sales", "order_cancelled", {
        "case_id": 1, "order_no": first, "reason": "buyer asked", "by": "A-1"}))
    [group] = shop.http("GET", "/merges?status=dissolved", role="supervisor").json()["merges"]
    assert group["dissolved_reason"] == f"cancelled: {first}"
    packed = pick_and_pack(shop, second, sku, 450)
    assert packed.status_code == 200, packed.text
    assert "merged_orders" not in shop.events("parcel_packed", order_no=second)[0]


def test_an_address_correction_dissolves_the_group(warehouse):
    shop = warehouse()
    first, second, _ = merged_pair(shop)
    shop.handled(shop.publish("order_review", "order_corrected", {
        "order_no": second, "reviewer": "R-1", "corrected_at": utcnow(),
        "changes": [{"field": "line1", "before": ADDRESS["line1"], "after": "中山北路 9 号"}],
        "shipping_address": dict(ADDRESS, line1="中山北路 9 号")}))
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert (group["status"], group["dissolved_reason"]) == ("dissolved", f"address_changed: {second}")
    assert offered(shop) == []   # no longer the same address


def test_a_goods_change_taken_dissolves_the_group_one_refused_keeps_it(warehouse):
    shop = warehouse()
    first, second, sku = merged_pair(shop)
    assert shop.scan("pick", order_no=first, barcode=sku).status_code == 200
    change = {"order_no": first, "change_id": 1, "lines": [line(sku, qty=2)], "reviewer": "R-1", "changed_at": utcnow()}
    shop.handled(shop.publish("order_review", "order_goods_changed", change))   # picking started: refused
    assert shop.http("GET", "/merges", role="supervisor").json()["merges"][0]["status"] == "merged"
    shop.handled(shop.publish("order_review", "order_goods_changed", {**change, "order_no": second, "change_id": 2}))
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert (group["status"], group["dissolved_reason"]) == ("dissolved", f"goods_changed: {second}")


def test_automatic_merging_merges_an_arriving_order_with_its_offer(warehouse):
    shop, customer, sku = warehouse(MERGE_AUTOMATIC=True, MERGE_WINDOW_MINUTES=30), unique("C"), unique("SKU")
    shop.receive((sku, 10))
    first = order(shop, customer, sku)
    outside = order(shop, customer, sku, minutes=-31)
    second = order(shop, customer, sku, minutes=30)
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert group["merged_by"] == "auto" and [o["order_no"] for o in group["orders"]] == sorted([first, second])
    assert outside not in [o["order_no"] for o in group["orders"]]


def test_an_offer_refused_on_arrival_leaves_the_orders_allocation_be(warehouse, monkeypatch):
    """The offer is read before the pick lists are locked: one changed in between is refused (here an order gone
    since), and the arriving order is still allocated, unmerged (before, its whole approval failed and was retried)."""
    shop, sku, arriving = warehouse(MERGE_AUTOMATIC=True, MERGE_WINDOW_MINUTES=30), unique("SKU"), unique("SO")
    shop.receive((sku, 10))
    stale = [SimpleNamespace(order_no=arriving), SimpleNamespace(order_no=unique("SO-GONE"))]
    monkeypatch.setattr(merging, "_open_offers", lambda *args, **kwargs: [stale])
    shop.approve(line(sku, 1), order_no=arriving)
    shop.handled(shop.last_event)
    assert shop.pick_list(arriving).status == "ready"
    assert shop.http("GET", "/merges", role="supervisor").json()["merges"] == []


def test_automatic_merging_merges_orders_that_became_ready_after_waiting_for_stock(warehouse):
    shop = warehouse(MERGE_AUTOMATIC=True, MERGE_WINDOW_MINUTES=30, MERGE_ROUNDS_SECONDS=0.2)
    customer, sku = unique("C"), unique("SKU")
    first, second = order(shop, customer, sku), order(shop, customer, sku, minutes=10)   # no stock: both wait
    assert shop.http("GET", "/merges", role="supervisor").json()["merges"] == []
    shop.receive((sku, 2))   # both ready now; no arrival to merge them: the round does

    def merged():
        return shop.http("GET", "/merges", role="supervisor").json()["merges"]
    [group] = wait_for(merged, message="the standing offer was never merged")
    assert group["merged_by"] == "auto" and [o["order_no"] for o in group["orders"]] == sorted([first, second])


def test_without_automatic_merging_a_standing_offer_waits_for_a_supervisor(warehouse):
    shop = warehouse(MERGE_ROUNDS_SECONDS=0.2)
    customer, sku = unique("C"), unique("SKU")
    first, second = order(shop, customer, sku), order(shop, customer, sku, minutes=10)
    shop.receive((sku, 2))
    wait_for(lambda: len(shop.http("GET", "/merge-offers", role="supervisor").json()["offers"]) == 1,
             message="no offer")
    with shop.db.read() as session:   # what a round merges: nothing while MERGE_AUTOMATIC is off
        assert merging.standing_offers(session, Settings()) == []
        assert [sorted(o) for o in merging.standing_offers(session, Settings(merge_automatic=True))] == [
            sorted([first, second])]
    assert shop.http("GET", "/merges", role="supervisor").json()["merges"] == []


def test_two_packers_packing_one_group_at_once_take_turns(warehouse):
    """Each packs a different order of the group at the same instant: one parcel, the other refused, no 5xx
    (the group's pick lists are locked in one order, so neither waits for the other's lock)."""
    shop = warehouse()
    for _ in range(4):
        first, second, sku = merged_pair(shop)
        for order_no in (first, second):
            assert shop.scan("pick", order_no=order_no, barcode=sku).status_code == 200
        answers = list(eventlet.GreenPool(2).imap(
            lambda order_no: shop.scan("pack", order_no=order_no, weight_g=850), (first, second)))
        assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
        assert len(shop.events("parcel_packed", order_no=first) + shop.events("parcel_packed", order_no=second)) == 1


# --- splitting a group by hand (拆开合单) ---------------------------------------------------------------------

def unmerge(shop, group_id, reason="买家要求分开发货", role="supervisor", staff="SUP-2"):
    return shop.http("POST", f"/merges/{group_id}/unmerge", role=role, staff=staff, json={"reason": reason})


def test_a_supervisor_splits_a_merged_group_and_each_order_packs_alone(warehouse):
    shop = warehouse()
    first, second, sku = merged_pair(shop)
    assert shop.scan("pick", order_no=first, barcode=sku).status_code == 200   # picked already: still splittable
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert unmerge(shop, group["id"], role="packer").status_code == 403
    refused = unmerge(shop, group["id"], reason="  ")
    assert refused.status_code == 400 and "reason" in refused.text
    blank = unmerge(shop, group["id"], reason="\u3000   ")   # long enough, but no reason: blanks alone
    assert (blank.status_code, blank.json()["fields"]) == (400, {"reason": ["Must not be blank."]})
    split = unmerge(shop, group["id"])
    assert split.status_code == 200, split.text
    assert split.json() == {"id": group["id"], "status": "dissolved", "orders": sorted([first, second]),
                            "dissolved_by": "SUP-2", "reason": "买家要求分开发货"}
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert (group["status"], group["dissolved_reason"]) == ("dissolved", "unmerged: SUP-2: 买家要求分开发货")
    assert "merged_with" not in shop.http("GET", f"/pick-lists/{first}").json()
    packed = pick_and_pack(shop, second, sku, 450)   # alone: one good and its packaging
    assert packed.status_code == 200, packed.text
    assert "merged_orders" not in shop.events("parcel_packed", order_no=second)[0]
    assert offered(shop) == []   # nor offered again (the first is picked anyway; the pair is kept apart)


def test_a_packed_group_or_an_unknown_one_is_not_split(warehouse):
    shop = warehouse()
    first, second, sku = merged_pair(shop)
    for order_no in (first, second):
        assert shop.scan("pick", order_no=order_no, barcode=sku).status_code == 200
    assert shop.scan("pack", order_no=first, weight_g=850).status_code == 200
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    refused = unmerge(shop, group["id"])
    assert refused.status_code == 409
    assert (refused.json()["error"], refused.json()["status"]) == ("merge_not_standing", "packed")
    missing = unmerge(shop, group["id"] + 1000)
    assert (missing.status_code, missing.json()["error"]) == (404, "merge_unknown")


def test_orders_split_by_hand_are_neither_offered_nor_merged_automatically_again(warehouse):
    shop = warehouse(MERGE_ROUNDS_SECONDS=0.2)
    first, second, sku = merged_pair(shop)
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert unmerge(shop, group["id"]).status_code == 200
    assert offered(shop) == []
    with shop.db.read() as session:   # what an automatic round would merge
        assert merging.standing_offers(session, Settings(merge_automatic=True)) == []
    third = order(shop, shop.pick_list(first).customer_id, sku, minutes=10)   # a new order of the same buyer
    assert offered(shop) == []   # the two kept apart are not offered with it, and it alone is no offer
    assert merge(shop, first, third).status_code == 201   # a person may still merge them on purpose



# --- joining a merged group -----------------------------------------------------------------------------------

def test_an_arriving_order_joins_its_buyers_merged_group_automatically(warehouse):
    shop, customer, sku = warehouse(MERGE_AUTOMATIC=True, MERGE_WINDOW_MINUTES=30), unique("C"), unique("SKU")
    shop.receive((sku, 10))
    first, second = order(shop, customer, sku), order(shop, customer, sku, minutes=10)
    third = order(shop, customer, sku, minutes=30)    # 30 min after the group's first: inside
    fourth = order(shop, customer, sku, minutes=31)   # 31: outside the group's window (and alone)
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert [o["order_no"] for o in group["orders"]] == sorted([first, second, third])
    assert fourth not in [o["order_no"] for o in group["orders"]]
    for order_no in (first, second, third):
        assert shop.scan("pick", order_no=order_no, barcode=sku).status_code == 200
    assert shop.scan("pack", order_no=third, weight_g=1250).status_code == 200   # three goods, one packaging
    [parcel] = shop.events("parcel_packed", order_no=third)
    assert sorted(parcel["merged_orders"]) == sorted([first, second])


def test_a_supervisor_adds_an_order_to_a_merged_group_from_its_offer(warehouse):
    shop = warehouse()
    first, second, sku = merged_pair(shop)
    third = order(shop, shop.pick_list(first).customer_id, sku, minutes=20)
    offers = shop.http("GET", "/merge-offers", role="supervisor").json()["offers"]
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert [(o["order_no"], o["group_id"]) for o in offers[0]["orders"]] == [
        (first, group["id"]), (second, group["id"]), (third, None)]
    assert offers[0]["group_id"] == group["id"]
    partial = merge(shop, first, third)   # a group is extended whole, or not at all
    assert (partial.status_code, partial.json()["error"], partial.json()["order_no"]) == (
        409, "merge_already_merged", first)
    joined = merge(shop, first, second, third)
    assert joined.status_code == 201, joined.text
    assert (joined.json()["id"], joined.json()["joined"]) == (group["id"], [third])
    [group] = shop.http("GET", "/merges", role="supervisor").json()["merges"]
    assert [o["order_no"] for o in group["orders"]] == sorted([first, second, third]) and offered(shop) == []
    assert shop.scan("pick", order_no=first, barcode=sku).status_code == 200
    fourth = order(shop, shop.pick_list(first).customer_id, sku, minutes=25)
    assert offered(shop) == []   # a group being picked takes no one more
    assert merge(shop, first, second, third, fourth).json()["error"] == "merge_already_picking"


def test_the_upgrade_rekeys_waiting_candidates_written_with_a_country_code(test_databases):
    url = test_databases.empty_url("pp_phone_keys")
    upgrade("picking_packing", url, revision="c5e1a3b7d9f2")   # the release keying '+86 138…' as '86138…'
    engine = sa.create_engine(normalize_url(url))
    with engine.begin() as conn:
        for order_no, key in (("SO-1", "8613812345678"), ("SO-2", "13812345678"), ("SO-3", "8612812345678"),
                              ("SO-4", "02161234567")):
            conn.execute(sa.text("INSERT INTO merge_candidates (order_no, customer_id, address_key, phone_key, "
                                 "payment_method, placed_at) VALUES (:o, 'C', 'k', :p, 'prepaid', :t)"),
                         {"o": order_no, "p": key, "t": utcnow().isoformat()})
    upgrade("picking_packing", url)
    with engine.connect() as conn:
        assert dict(conn.execute(sa.text("SELECT order_no, phone_key FROM merge_candidates")).all()) == {
            "SO-1": "13812345678", "SO-2": "13812345678", "SO-3": "8612812345678", "SO-4": "02161234567"}
    engine.dispose()
