"""Bounded first come, first served (issue #23): a later order may take stock an earlier waiting one can't be
served whole with yet; each time, the earlier one's `overtaken` count rises; once it reaches
FIFO_OVERTAKE_LIMIT (default 3; 0 = strict FIFO) nothing overtakes it any more: the stock is held for it."""
from services.picking_packing import allocation
from services.picking_packing.settings import Settings
from tests.picking_packing.conftest import earlier, line, stock_of, unique

SHELVES = {"W": {"A": [("A-01", 1)]}}   # one unit; the first order needs three


def near(*codes):
    return lambda province: list(codes)


def plan(waiting, overtaken=None, limit=3, shelves=SHELVES):
    return allocation.plan_overtaking([(o, needs, None) for o, needs in waiting], shelves, near("W"), overtaken, limit)


# -- the rule, pure ------------------------------------------------------------------------------------
def test_a_later_order_takes_stock_an_earlier_one_cannot_use_yet_and_counts_as_overtaking_it():
    served, short, overtakes = plan([("SO-1", {"A": 3}), ("SO-2", {"A": 1})], overtaken={"SO-1": 0})
    assert served == [("SO-2", "W", [("A-01", "A", 1)])]
    assert short == {"SO-1": [{"sku": "A", "needed": 3, "available": 1}]}
    assert overtakes == [("SO-1", "SO-2")]


def test_the_limit_boundary_one_below_may_still_be_overtaken_at_the_limit_the_stock_is_held():
    served, _, overtakes = plan([("SO-1", {"A": 3}), ("SO-2", {"A": 1})], overtaken={"SO-1": 2}, limit=3)
    assert [s[0] for s in served] == ["SO-2"] and overtakes == [("SO-1", "SO-2")]   # 2 -> 3: its last time
    served, short, overtakes = plan([("SO-1", {"A": 3}), ("SO-2", {"A": 1})], overtaken={"SO-1": 3}, limit=3)
    assert served == [] and overtakes == [] and set(short) == {"SO-1", "SO-2"}
    assert short["SO-2"] == [{"sku": "A", "needed": 1, "available": 0}]


def test_reaching_the_limit_within_one_round_holds_the_rest_for_it():
    shelves = {"W": {"A": [("A-01", 3)]}}   # the first needs 5: two later single units pass, the third can't
    served, _, overtakes = plan([("SO-1", {"A": 5}), ("SO-2", {"A": 1}), ("SO-3", {"A": 1}), ("SO-4", {"A": 1})],
                                overtaken={"SO-1": 1}, limit=3, shelves=shelves)
    assert [s[0] for s in served] == ["SO-2", "SO-3"]
    assert overtakes == [("SO-1", "SO-2"), ("SO-1", "SO-3")]


def test_limit_zero_is_strict_first_come_first_served():
    served, short, overtakes = plan([("SO-1", {"A": 3}), ("SO-2", {"A": 1})], limit=0)
    assert served == [] and overtakes == [] and set(short) == {"SO-1", "SO-2"}
    # and plan_from without a limit is the strict rule it always was
    assert allocation.plan_from([("SO-1", {"A": 3}, None), ("SO-2", {"A": 1}, None)], SHELVES, near("W"))[0] == []


def test_only_a_later_order_taking_what_the_earlier_waits_for_overtakes_it():
    shelves = {"W": {"A": [("A-01", 1)], "B": [("B-01", 1)]}, "X": {"A": [("X-01", 1)]}}
    served, _, overtakes = allocation.plan_overtaking(
        [("SO-1", {"A": 3}, None), ("SO-2", {"B": 1}, None), ("SO-3", {"A": 1}, "far")], shelves,
        lambda province: ["X", "W"] if province == "far" else ["W", "X"], {}, 3)
    assert [s[0] for s in served] == ["SO-2", "SO-3"]
    assert overtakes == []   # SO-2 takes other goods; SO-3 takes A in X, while SO-1 waits in W (1 of 3: nearest)


def test_the_limit_comes_from_config_default_three():
    assert Settings().fifo_overtake_limit == 3
    assert Settings.from_config({"FIFO_OVERTAKE_LIMIT": "0"}).fifo_overtake_limit == 0


# -- on the broker and database ---------------------------------------------------------------------------
def test_later_small_orders_overtake_a_large_waiting_one_until_the_limit_then_stock_is_held(warehouse):
    wh = warehouse(FIFO_OVERTAKE_LIMIT=2)
    sku = unique("SKU")
    wh.receive((sku, 1))
    large = wh.approve(line(sku, 3), approved_at=earlier(30))
    assert wh.pick_list(large, "waiting_stock").overtaken == 0
    first = wh.approve(line(sku, 1), approved_at=earlier(20))   # one unit in stock, the large one can't use it
    assert wh.pick_list(first, "ready")
    assert wh.pick_list(large).overtaken == 1
    wh.receive((sku, 1))
    second = wh.approve(line(sku, 1), approved_at=earlier(10))   # still short of 3: overtaken again, the limit
    wh.pick_list(second, "ready")
    assert wh.pick_list(large, "waiting_stock").overtaken == 2
    third = wh.approve(line(sku, 1), approved_at=earlier(5))   # at the limit: nothing passes it any more
    assert wh.pick_list(third, "waiting_stock")
    wh.receive((sku, 1))
    assert wh.pick_list(third).status == "waiting_stock" and wh.pick_list(large).status == "waiting_stock"
    wh.receive((sku, 2))   # 3 free: the large order is served first, then the third in its turn
    assert wh.pick_list(large, "ready") and wh.pick_list(third).status == "waiting_stock"
    assert stock_of(wh.db, sku) == (5, 5)
    wh.receive((sku, 1))
    assert wh.pick_list(third, "ready").overtaken == 0 and wh.pick_list(large).overtaken == 2
    answer = wh.http("GET", "/pick-lists", params={"status": "ready"}).json()["pick_lists"]
    assert {p["order_no"]: p["overtaken"] for p in answer}[large] == 2


def test_with_limit_zero_an_earlier_order_is_never_overtaken(warehouse):
    wh = warehouse(FIFO_OVERTAKE_LIMIT=0)
    sku = unique("SKU")
    wh.receive((sku, 1))
    large = wh.approve(line(sku, 3), approved_at=earlier(30))
    wh.pick_list(large, "waiting_stock")
    small = wh.approve(line(sku, 1), approved_at=earlier(20))
    assert wh.pick_list(small, "waiting_stock") and wh.pick_list(large).overtaken == 0
