"""Issue #10 item 10: hostile input at the scanner (picking_packing POST /scans) and the agent
desk (after_sales POST /cases and the case actions): each answered 4xx with a clear error naming
the problem, and nothing stored changed."""
import importlib
import json
import uuid

import pytest
import requests

from shared.testing.polling import wait_for
from tests.reliability.harness import say
from tests.reliability.snapshots import row_counts, stored

TEN_MB = 10 * 1024 * 1024
INVALID_UTF8 = b'{"note": "\xff\xfe\xc3\x28 broken"}'


def scan(**fields):
    return {"scan_id": str(uuid.uuid4()), "station_id": "ST-01", **fields}


def raw(payload):
    """A raw body: bytes as they are, dicts as JSON."""
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


SCANS = {
    "missing type": (scan(order_no="SO-1", barcode="SKU-001"), 400, "type"),
    "pick without order_no": (scan(type="pick", barcode="SKU-001"), 400, "order_no"),
    "missing scan_id": ({"station_id": "ST-01", "type": "pick", "order_no": "SO-1", "barcode": "SKU-001"}, 400,
                        "scan_id"),
    "negative quantity": (scan(type="pick", order_no="SO-1", barcode="SKU-001", qty=-3), 400, "qty"),
    "zero quantity": (scan(type="pick", order_no="SO-1", barcode="SKU-001", qty=0), 400, "qty"),
    "quantity as text": (scan(type="pick", order_no="SO-1", barcode="SKU-001", qty="3"), 400, "qty"),
    "absurd weight": (scan(type="pack", order_no="SO-1", weight_g=10 ** 9), 400, "weight_g"),
    "negative weight": (scan(type="pack", order_no="SO-1", weight_g=-500), 400, "weight_g"),
    "fractional weight": (scan(type="pack", order_no="SO-1", weight_g=12.5), 400, "weight_g"),
    "unknown field": (scan(type="pack", order_no="SO-1", weight_g=500, price="0.01"), 400, "price"),
    "unknown scan type": (scan(type="teleport", order_no="SO-1"), 400, "type"),
    "a hand-over (taken by shipping labels now)": (scan(type="handover", tracking_no="EE1"), 400, "type"),
    "scan type not text": (scan(type=["handover"], tracking_no="EE1"), 400, "type"),
    "scan_id not a uuid": ({**scan(type="pick", order_no="SO-1", barcode="SKU-001"), "scan_id": "x" * 300}, 400,
                           "scan_id"),
    "barcode of 10 000 characters": (scan(type="pick", order_no="SO-1", barcode="9" * 10000), 400, "barcode"),
    "10 MB body": (b'{"pad": "' + b"x" * TEN_MB + b'"}', 413, None),
    "invalid UTF-8": (INVALID_UTF8, 400, None),
    "not JSON": (b"scan=1&qty=2", 400, None),
    "a JSON list": (b"[1, 2, 3]", 400, None),
}


def check(url, headers, cases):
    """[(case, problem)] for every case not answered as expected."""
    wrong = []
    for name, (payload, status, field) in cases.items():
        answer = requests.post(url, data=raw(payload), timeout=60,
                               headers={**headers, "Content-Type": "application/json"})
        problem = _problem(answer, status, field)
        if problem:
            wrong.append((name, problem))
    return wrong


def _problem(answer, status, field):
    if answer.status_code != status:
        return f"{answer.status_code} (expected {status}): {answer.text[:200]}"
    try:
        body = answer.json()
    except ValueError:
        return f"not a JSON error: {answer.text[:200]}"
    if not body.get("error") or not body.get("message"):
        return f"no error code and message: {body}"
    if field and field not in body.get("fields", {}):
        return f"does not name {field}: {body}"
    return None


def test_hostile_scans_are_refused_and_change_nothing(start_service, record_property):
    floor = start_service("picking_packing")
    requests.post(floor.url("/stock/receipts"), json={"lines": [{"sku": "SKU-001", "qty": 10}]},
                  headers=floor.headers("warehouse", **{"Idempotency-Key": str(uuid.uuid4())}),
                  timeout=10).raise_for_status()
    before = stored(floor)
    wrong = check(floor.url("/scans"), floor.headers("scanner", "S-scan"), SCANS)
    after = stored(floor)
    say(record_property, f"scanner: {len(SCANS)} hostile scans, {len(SCANS) - len(wrong)} refused as expected, "
                         f"{len(wrong)} wrong {wrong}; stored rows {row_counts(after)} "
                         f"{'unchanged' if after == before else 'CHANGED'}")
    assert wrong == []
    assert after == before

HANDOVERS = {
    "missing tracking_no": (scan(), 400, "tracking_no"),
    "tracking_no of 10 000 characters": (scan(tracking_no="E" * 10000), 400, "tracking_no"),
    "tracking_no a number": (scan(tracking_no=735000000001), 400, "tracking_no"),
    "an old floor scan's body": (scan(type="handover", tracking_no="EE1"), 400, "type"),
    "scan_id not a uuid": ({**scan(tracking_no="EE1"), "scan_id": "x" * 300}, 400, "scan_id"),
    "station_id empty": ({**scan(tracking_no="EE1"), "station_id": ""}, 400, "station_id"),
    "a number never issued": (scan(tracking_no="EE123456785CN"), 404, None),
    "10 MB body": (b'{"pad": "' + b"x" * TEN_MB + b'"}', 413, None),
    "invalid UTF-8": (INVALID_UTF8, 400, None),
    "a JSON list": (b"[1, 2, 3]", 400, None),
}


def test_hostile_hand_over_scans_are_refused_and_change_nothing(start_service, record_property):
    """The hand-over scan at shipping labels (issue 18 item 3) takes input from the same scanners."""
    labels = start_service("shipping_labels")
    before = stored(labels)
    wrong = check(labels.url("/handovers"), labels.headers("scanner", "S-scan"), HANDOVERS)
    after = stored(labels)
    say(record_property, f"hand-over: {len(HANDOVERS)} hostile scans, {len(HANDOVERS) - len(wrong)} refused as "
                         f"expected, {len(wrong)} wrong {wrong}")
    assert wrong == []
    remembered = after.pop("idempotent_requests")   # the 404, as a scan's answer is: a retry gets it back
    assert len(remembered) == len(before.pop("idempotent_requests")) + 1 and after == before


@pytest.fixture
def desk(start_service, publish_order):
    """after_sales with one known, paid order."""
    service = start_service("after_sales")
    event = publish_order(cod_share=0.0)
    order_no = event["order"]["order_no"]
    models = importlib.import_module("services.after_sales.models")

    def known():
        with service.db.read() as session:
            return session.get(models.SalesOrder, order_no)
    wait_for(known, timeout=20)
    return service, event


def test_hostile_agent_requests_are_refused_and_change_nothing(desk, record_property):
    service, event = desk
    order = event["order"]
    line = {"sku": order["lines"][0]["sku"], "qty": 1}
    good = {"order_no": order["order_no"], "case_type": "refund_only", "reason": "not_received",
            "lines": [line], "amount": "1.00"}
    cases = {
        "missing order_no": ({k: v for k, v in good.items() if k != "order_no"}, 400, "order_no"),
        "missing case_type": ({k: v for k, v in good.items() if k != "case_type"}, 400, "case_type"),
        "negative amount": ({**good, "amount": "-5.00"}, 400, "amount"),
        "zero amount": ({**good, "amount": "0.00"}, 400, "amount"),
        "amount as a float": ({**good, "amount": 5.5}, 400, "amount"),
        "amount of 10^15": ({**good, "amount": "1000000000000000.00"}, 400, "amount"),
        "amount with 3 decimals": ({**good, "amount": "1.001"}, 400, "amount"),
        "amount NaN": ({**good, "amount": "NaN"}, 400, "amount"),
        "negative quantity": ({**good, "lines": [{**line, "qty": -1}]}, 400, "lines"),
        "no lines": ({**good, "lines": []}, 400, "lines"),
        "unknown field": ({**good, "agent": "S-someone-else"}, 400, "agent"),
        "reason text of 100 000 chars": ({**good, "reason_text": "x" * 100000}, 400, "reason_text"),
        "10 MB body": (b'{"order_no": "' + b"x" * TEN_MB + b'"}', 413, None),
        "invalid UTF-8": (INVALID_UTF8, 400, None),
        "not JSON": (b"order_no=1", 400, None),
    }
    headers = service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())})
    before = stored(service)
    wrong = check(service.url("/cases"), headers, cases)
    after = stored(service)
    say(record_property, f"agent desk: {len(cases)} hostile POST /cases, {len(cases) - len(wrong)} refused as "
                         f"expected, {len(wrong)} wrong {wrong}; stored {'unchanged' if after == before else 'CHANGED'}")
    assert wrong == []
    assert after == before
    # The same desk takes a sound request: the refusals above were about the input, not the endpoint.
    answer = requests.post(service.url("/cases"), json=good, timeout=10,
                           headers=service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())}))
    assert answer.status_code == 201, answer.text


def test_hostile_case_actions_are_refused_and_change_nothing(desk, record_property):
    service, event = desk
    order = event["order"]
    opened = requests.post(service.url("/cases"), timeout=10, json={
        "order_no": order["order_no"], "case_type": "refund_only", "reason": "not_received",
        "lines": [{"sku": order["lines"][0]["sku"], "qty": 1}], "amount": "1.00"},
        headers=service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())}))
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    actions = {
        f"/cases/{case_id}/notes": {"empty note": ({"text": ""}, 400, "text"),
                                    "unknown kind": ({"text": "hi", "kind": "shout"}, 400, "kind"),
                                    "invalid UTF-8": (INVALID_UTF8, 400, None)},
        f"/cases/{case_id}/resubmit": {"negative amount": ({"note": "again", "amount": "-1.00"}, 400, "amount"),
                                       "missing note": ({"amount": "1.00"}, 400, "note")},
        f"/cases/{case_id}/return-shipped": {"missing carrier": ({"tracking_no": "SF1"}, 400, "carrier"),
                                             "10 MB body": (b'{"carrier": "' + b"x" * TEN_MB + b'"}', 413, None)},
    }
    before, wrong, total = stored(service), [], 0
    for path, cases in actions.items():
        headers = service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())})
        wrong += [(path, *w) for w in check(service.url(path), headers, cases)]
        total += len(cases)
    after = stored(service)
    say(record_property, f"case actions: {total} hostile requests, {total - len(wrong)} refused as expected, "
                         f"{len(wrong)} wrong {wrong}; stored {'unchanged' if after == before else 'CHANGED'}")
    assert wrong == []
    assert after == before
