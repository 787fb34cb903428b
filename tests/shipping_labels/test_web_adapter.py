"""The carrier adapter for carriers with a web API (requests), against a local stand-in for the carrier."""
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from services.shipping_labels import changes, labelling, s10
from services.shipping_labels.adapters import CarrierRejected, WebApiAdapter
from services.shipping_labels.settings import Settings as ShippingDesk
from services.shipping_labels.models import Shipment
from services.shipping_labels.numbering import S10Format
from services.shipping_labels.s10 import InvalidTrackingNumber
from services.shipping_labels.tariff import DEFAULT_TARIFF_PATH
from tests.shipping_labels.factories import T0, approved, events, packed


class FakeCarrier:
    """A carrier's API on a free local port: hands out S10 numbers, records voids, answers tracking."""

    def __init__(self):
        self.serial, self.voided, self.requests, self.answer_bad_number = 40000000, [], [], False
        carrier = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                carrier.requests.append((self.path, body, self.headers.get("Authorization")))
                if self.path == "/waybills":
                    if body["weight_g"] > 50000:
                        return self._send(422, {"error": "too heavy"})
                    carrier.serial += 1
                    number = s10.compose("EA", carrier.serial)
                    return self._send(201, {"tracking_no": number[:-3] + "0CN" if carrier.answer_bad_number
                                            else number})
                carrier.voided.append(self.path.split("/")[2])
                return self._send(200, {"voided": True})

            def do_GET(self):
                self._send(200, {"events": [{"status": "in_transit", "occurred_at": "2026-11-23T08:00:00Z",
                                             "location": "南京"}]})

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)   # port 0: the OS picks a free port
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def carrier():
    with FakeCarrier() as running:
        yield running


def shipment(weight_g=1500):
    return Shipment(order_no="SO-WEB-1", service="特快", weight_g=weight_g, cod_amount=Decimal("0.00"),
                    recipient=approved()["shipping_address"])


def test_create_void_and_fetch_tracking_over_http(carrier):
    adapter = WebApiAdapter("SFX", S10Format("CN"), carrier.url, api_key="k-1", timeout=5)
    number = adapter.create_waybill(None, shipment())
    assert number == s10.compose("EA", 40000001) and s10.is_valid(number)
    path, body, auth = carrier.requests[0]
    assert (path, body["order_no"], body["weight_g"], auth) == ("/waybills", "SO-WEB-1", 1500, "Bearer k-1")
    adapter.void(None, number, "smudged")
    assert carrier.voided == [number]
    assert adapter.fetch_tracking(None, number)[0]["status"] == "in_transit"


def test_a_carrier_number_with_a_wrong_check_digit_or_a_refusal_never_reaches_a_label(carrier):
    adapter = WebApiAdapter("SFX", S10Format("CN"), carrier.url, timeout=5)
    carrier.answer_bad_number = True
    with pytest.raises(InvalidTrackingNumber):
        adapter.create_waybill(None, shipment())
    with pytest.raises(CarrierRejected, match="422"):
        adapter.create_waybill(None, shipment(weight_g=60000))


def test_a_web_carrier_from_the_tariff_labels_and_relabels_through_its_api(carrier, db, run):
    data = json.loads(DEFAULT_TARIFF_PATH.read_text(encoding="utf-8"))
    data["carriers"]["SFX"] = {"name": "顺丰", "adapter": "web", "base_url": carrier.url,
                               "numbering": {"format": "s10"}, "collects_cash": True, "max_weight_g": 50000}
    data["rates"]["SFX"] = data["rates"]["EMS"]
    data["rules"].insert(0, {"name": "express", "when": {}, "carrier": "SFX", "service": "顺丰特快"})
    desk = ShippingDesk.from_config({"TARIFF": data})
    order = approved()
    run(labelling.expect_shipment, order, T0)
    run(labelling.parcel_packed, desk, packed(order["order_no"]))
    run(changes.void_label, desk, order["order_no"], "wrong box", "SH-1", T0)
    issued = [e["tracking_no"] for e in events(db, "waybill_issued")]
    assert issued == [s10.compose("EA", 40000001), s10.compose("EA", 40000002)]
    assert carrier.voided == [issued[0]] and events(db, "waybill_range_low") == []
