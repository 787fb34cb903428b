"""What the console's queue and case page read (issue #19): an order beside its cases, the queue filtered to
one agent's open cases, sorted by time left, and searched by the buyer's return tracking number."""


def _ids(desk, **params):
    response = desk.call("GET", "/cases", params=params)
    assert response.status_code == 200, response.text
    return [case["id"] for case in response.json()["cases"]]


def test_an_order_beside_its_cases_says_what_a_new_case_may_still_ask_for(desk):
    order_no = desk.place(shipping_fee="8.00")          # 2 × 59.00 + 19.90 + 8.00 = 145.90
    desk.open(order_no, amount="59.00")
    order = desk.call("GET", f"/orders/{order_no}").json()
    assert {k: order[k] for k in ("status", "paid_amount", "refunded", "held", "refundable", "shipping_fee")} == {
        "status": "placed", "paid_amount": "145.90", "refunded": "0.00", "held": "59.00", "refundable": "86.90",
        "shipping_fee": "8.00"}
    assert [(line["sku"], line["name"], line["qty"], line["unit_price"]) for line in order["lines"]] == [
        ("SKU-001", "保温杯", 2, "59.00"), ("SKU-006", "数据线", 1, "19.90")]
    assert order["buyer"]["name"] and order["placed_at"].endswith("Z")
    # What the order says is left is exactly what a case may still ask for.
    desk.open(order_no, lines=[{"sku": "SKU-001", "qty": 1}, {"sku": "SKU-006", "qty": 1}], amount="78.91",
              include_shipping_fee=True)
    assert desk.call("GET", f"/orders/{order_no}").json()["refundable"] == "7.99"
    missing = desk.call("GET", "/orders/SO-NOPE")
    assert (missing.status_code, missing.json()["error"]) == (404, "order_not_found")


def test_the_queue_shows_one_agents_open_cases_nearest_deadline_first(desk):
    order_no = desk.place()
    ordinary = desk.open(order_no, amount="10.00")["id"]                    # answer within 1 working hour
    difficult = desk.open(order_no, amount="10.00", difficult=True)["id"]   # within 4
    answered = desk.open(order_no, amount="10.00")["id"]
    desk.act(answered, "notes", {"text": "已回复买家", "kind": "answer"}, role="agent", expect=201)
    closed = desk.open(order_no, amount="10.00")["id"]
    desk.act(closed, "close", {"note": "买家撤回"}, role="agent")
    someone_elses = desk.post("/cases", {"order_no": order_no, "case_type": "refund_only", "reason": "other",
                                         "lines": [{"sku": "SKU-006", "qty": 1}], "amount": "1.00"},
                              staff="A-2").json()["id"]

    assert _ids(desk, assignee="A-1") == [closed, answered, difficult, ordinary]
    assert _ids(desk, assignee="A-1", open="true") == [answered, difficult, ordinary]
    assert _ids(desk, assignee="A-1", open="true", sort="time_left") == [ordinary, difficult, answered]
    assert someone_elses in _ids(desk, open="true") and someone_elses not in _ids(desk, assignee="A-1")
    refused = desk.call("GET", "/cases", params={"sort": "oldest"})
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["sort"])


def test_a_case_is_found_by_its_return_tracking_number(desk):
    order_no = desk.place()
    desk.deliver(order_no)
    case = desk.open(order_no, "return_refund", reason="quality")["id"]
    desk.act(case, "approve")
    desk.act(case, "return-shipped", {"carrier": "SF", "tracking_no": "SF1234567890"}, role="agent")
    assert _ids(desk, return_tracking_no="SF1234567890") == [case]
    assert _ids(desk, return_tracking_no="SF1234567891") == []
