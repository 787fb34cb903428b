"""The running service: real broker, real database, HTTP on its port (business rules §1 and §4)."""
import io
import json
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import sqlalchemy as sa
from pypdf import PdfReader

from services.shipping_labels import s10
from services.shipping_labels.models import Base
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.shipping_labels.factories import T0, approved, handover_scan, packed


@pytest.fixture
def service(start_service):
    return start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)


@pytest.fixture
def publish(rabbit_config):
    def send(source, event_type, payload):
        return publish_event(rabbit_config["AMQP_URI"], source, event_type, payload)
    return send


def call(service, method, path, role="shipper", body=None, staff=None, **headers):
    return requests.request(method, service.url(path), json=body, timeout=10,
                            headers=service.headers(role, staff or f"{role.upper()}-1", **headers))


def hand_over(service, tracking_no, role="shipper", staff="SH-3", scan=None):
    """The hand-over scan at the dock (POST /handovers)."""
    return call(service, "POST", "/handovers", role=role, staff=staff, body=scan or handover_scan(tracking_no))


def shipment_when(service, order_no, status):
    def check():
        answer = call(service, "GET", f"/shipments/{order_no}", role="agent")
        return answer.status_code == 200 and answer.json()["status"] == status and answer.json()
    return wait_for(check, message=f"{order_no} never reached {status}")


def load_range(service, first_serial, count, role="warehouse"):
    return call(service, "POST", "/waybill-ranges", role=role, body={
        "carrier": "EMS", "first_number": s10.compose("EE", first_serial),
        "last_number": s10.compose("EE", first_serial + count - 1)}, **{"Idempotency-Key": str(uuid.uuid4())})


def published(service, event_type):
    """Events the relay has sent to the broker (outbox rows marked published)."""
    outbox = Base.metadata.tables["outbox"]
    with service.db.read() as session:
        rows = session.execute(sa.select(outbox.c.payload).where(
            outbox.c.event_type == event_type, outbox.c.published_at.is_not(None)).order_by(outbox.c.id)).all()
    return [json.loads(row.payload) for row in rows]


def pdf_text(answer):
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)


def test_label_print_reprint_void_hand_over_track_and_manifest(service, publish):
    assert load_range(service, 10000000, 5, role="shipper").status_code == 403
    assert load_range(service, 10000000, 5).status_code == 201
    order = approved(cod="118.00")
    number = order["order_no"]
    publish("order_review", "order_approved", order)
    publish("picking_packing", "parcel_packed", packed(number, weight_g=1200))
    view = shipment_when(service, number, "labelled")
    first = view["tracking_no"]
    assert (view["carrier"], view["cost"], view["weight_g"], first) == ("EMS", "17.00", 1200,
                                                                        s10.compose("EE", 10000000))

    assert first in pdf_text(call(service, "GET", f"/shipments/{number}/label.pdf"))
    # the packer prints the label as the parcel is packed (issue 19); a reviewer has no business with it
    assert first in pdf_text(call(service, "GET", f"/shipments/{number}/label.pdf", role="packer"))
    assert call(service, "GET", f"/shipments/{number}", role="packer").json()["tracking_no"] == first
    assert call(service, "GET", f"/shipments/{number}/label.pdf", role="reviewer").status_code == 403
    zpl = call(service, "GET", f"/shipments/{number}/label.zpl", role="warehouse").text
    assert f"^BCN,160,Y,N,N^FH_^FD{first}^FS" in zpl
    note = pdf_text(call(service, "GET", f"/shipments/{number}/dispatch-note.pdf", role="supervisor"))
    assert first in note and "保温杯" in note

    key = {"Idempotency-Key": str(uuid.uuid4())}
    reprint = call(service, "POST", f"/shipments/{number}/reprints", body={"reason": "卡纸"}, **key)
    replay = call(service, "POST", f"/shipments/{number}/reprints", body={"reason": "卡纸"}, **key)
    assert reprint.status_code == replay.status_code == 201 and replay.headers["Idempotent-Replay"] == "true"
    assert call(service, "POST", f"/shipments/{number}/reprints", body={"reason": ""}).status_code == 400
    assert call(service, "POST", f"/shipments/{number}/reprints", role="agent",
                body={"reason": "x"}).status_code == 403

    voided = call(service, "POST", f"/shipments/{number}/void", body={"reason": "label smudged"})
    second = voided.json()["tracking_no"]
    assert voided.status_code == 200 and second == s10.compose("EE", 10000001)

    assert hand_over(service, first).json()["error"] == "waybill_voided"
    assert hand_over(service, second, role="agent").status_code == 403
    scan = handover_scan(second)
    handed = hand_over(service, second, role="scanner", staff="DOCK-2", scan=scan)
    replayed = hand_over(service, second, role="scanner", staff="DOCK-2", scan=scan)
    assert handed.status_code == replayed.status_code == 200 and replayed.headers["Idempotent-Replay"] == "true"
    assert handed.json() == replayed.json() == {"scan_id": scan["scan_id"], "result": "handed_over",
                                                "order_no": number, "tracking_no": second, "carrier": "EMS",
                                                "status": "shipped"}
    shipped = shipment_when(service, number, "shipped")
    assert shipped["shipper"] == "DOCK-2"
    assert shipped["reprint_count"] == 1 and [w["status"] for w in shipped["waybills"]] == ["voided", "active"]
    late = call(service, "POST", f"/shipments/{number}/void", body={"reason": "customer asked"})
    assert late.status_code == 409 and "after-sales" in late.json()["message"]

    push = {"event_id": str(uuid.uuid4()), "tracking_no": second, "status": "delivered",
            "occurred_at": to_iso(utcnow()), "location": "杭州西湖区"}
    assert call(service, "POST", "/tracking-events", role="shipper", body=push).status_code == 403
    assert call(service, "POST", "/tracking-events", role="carrier", staff="EMS", body=push).status_code == 201
    again = call(service, "POST", "/tracking-events", role="carrier", staff="EMS", body=push)
    assert again.status_code == 201 and again.headers["Idempotent-Replay"] == "true"
    scans = call(service, "GET", f"/shipments/{number}/tracking", role="agent").json()
    assert [(e["status"], e["location"]) for e in scans["events"]] == [("delivered", "杭州西湖区")]
    bad = call(service, "POST", "/tracking-events", role="carrier", staff="EMS",
               body={**push, "event_id": str(uuid.uuid4()), "tracking_no": second[:-3] + "9CN"})
    assert bad.status_code == 422 and "tracking_no" in bad.json()["fields"]

    day = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()   # handed over just now
    sheet = call(service, "GET", f"/manifests/{day}?carrier=EMS", role="manager").json()
    assert [p["tracking_no"] for p in sheet["parcels"]] == [second] and sheet["exceptions"] == []
    csv_answer = call(service, "GET", f"/manifests/{day}?carrier=EMS&format=csv", role="manager")
    assert csv_answer.headers["Content-Type"].startswith("text/csv") and second in csv_answer.text
    assert call(service, "GET", "/manifests/2026-13-01?carrier=EMS").status_code == 400

    wait_for(lambda: published(service, "parcel_delivered"))
    assert [e["tracking_no"] for e in published(service, "order_shipped")] == [second]
    assert [e["tracking_no"] for e in published(service, "waybill_issued")] == [first, second]
    assert published(service, "label_reprinted")[0]["count"] == 1


def test_parcels_wait_for_numbers_and_follow_corrections_and_interceptions(service, publish):
    order = approved(cod="20.00")
    number = order["order_no"]
    publish("order_review", "order_approved", order)
    publish("picking_packing", "parcel_packed", packed(number))
    assert shipment_when(service, number, "awaiting_number")["tracking_no"] is None
    assert call(service, "GET", f"/shipments/{number}/label.pdf").status_code == 409
    wait_for(lambda: published(service, "waybill_range_low"))

    loaded = load_range(service, 20000000, 1)
    assert loaded.status_code == 201 and loaded.json()["labelled_waiting"] == [number]
    tracking_no = shipment_when(service, number, "labelled")["tracking_no"]

    publish("order_review", "order_corrected", {
        "order_no": number, "reviewer": "R-2", "corrected_at": T0,
        "changes": [{"field": "phone", "before": "13812345678", "after": "13900000000"}],
        "shipping_address": {**order["shipping_address"], "phone": "13900000000"}})
    publish("after_sales", "interception_requested", {"order_no": number, "case_id": 9,
                                                      "tracking_no": tracking_no, "by": "A-9"})

    def recorded():
        history = call(service, "GET", f"/shipments/{number}", role="agent").json()["history"]
        return {"address_corrected", "interception_requested"} <= {h["kind"] for h in history}
    wait_for(recorded)
    assert "13900000000" in pdf_text(call(service, "GET", f"/shipments/{number}/label.pdf"))
    assert call(service, "GET", "/shipments/SO-NOPE", role="agent").status_code == 404
    paths = requests.get(service.url("/openapi.json"), timeout=10).json()["paths"]
    assert {"/shipments/{order_no}/label.zpl", "/manifests/{day}", "/tracking-events"} <= set(paths)
