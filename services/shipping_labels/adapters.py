"""Carrier adapters: create a waybill, void it, fetch its tracking.

`RangeAdapter` takes numbers from ranges the operator loaded (电子面单号段); `WebApiAdapter`
asks a carrier's web API for them. Either way the number is checked before we print it.
"""
import requests

from services.shipping_labels.storage import ranges, tracking
from shared.timeutil import to_iso


class CarrierRejected(Exception):
    """The carrier answered, and said no (not a network problem: retrying will not help)."""


class CarrierAdapter:
    uses_ranges = False   # True when numbers come from ranges we hold (so we watch their stock)

    def create_waybill(self, session, shipment):
        """A new tracking number for the shipment, or None when our ranges are used up (the parcel waits)."""
        raise NotImplementedError

    def issue(self, session, shipment):
        """(tracking number or None, numbers left in its range or None when we hold no range)."""
        return self.create_waybill(session, shipment), None

    def void(self, session, tracking_no, reason):
        raise NotImplementedError

    def fetch_tracking(self, session, tracking_no):
        """[{status, occurred_at, location}] as the carrier knows them."""
        raise NotImplementedError


class RangeAdapter(CarrierAdapter):
    uses_ranges = True

    def __init__(self, carrier, number_format):
        self.carrier, self.number_format = carrier, number_format

    def create_waybill(self, session, shipment):
        return self.issue(session, shipment)[0]

    def issue(self, session, shipment):
        # What is left in the range comes with the number, so the low-stock alert needs no count per label.
        return ranges.take_number(session, self.number_format, self.carrier) or (None, None)

    def void(self, session, tracking_no, reason):
        """Nothing to tell the carrier: the number simply stays used in our waybills table."""

    def fetch_tracking(self, session, tracking_no):
        # Range carriers push their scans to POST /tracking-events.
        return [{**scan, "occurred_at": to_iso(scan["occurred_at"])}
                for scan in tracking.scans_of(session, tracking_no)]


class WebApiAdapter(CarrierAdapter):
    """A carrier with a JSON API: POST /waybills, POST /waybills/{no}/void, GET /waybills/{no}/tracking."""

    def __init__(self, carrier, number_format, base_url, api_key=None, timeout=10.0, http=None):
        self.carrier, self.number_format = carrier, number_format
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.http = http or requests.Session()
        if api_key:
            self.http.headers["Authorization"] = f"Bearer {api_key}"

    def create_waybill(self, session, shipment):
        answer = self._call("POST", "/waybills", json={
            "order_no": shipment.order_no, "service": shipment.service, "weight_g": shipment.weight_g,
            "recipient": shipment.recipient, "cod_amount": str(shipment.cod_amount)})
        tracking_no = answer.get("tracking_no")
        if not tracking_no:
            raise CarrierRejected(f"{self.carrier} answered without a tracking number: {answer}")
        self.number_format.parse(tracking_no)   # a carrier's typo must not reach a label
        return tracking_no

    def void(self, session, tracking_no, reason):
        self._call("POST", f"/waybills/{tracking_no}/void", json={"reason": reason})

    def fetch_tracking(self, session, tracking_no):
        return self._call("GET", f"/waybills/{tracking_no}/tracking").get("events", [])

    def _call(self, method, path, **kwargs):
        # Network errors (requests.ConnectionError, Timeout) propagate: they are transient, the message is retried.
        response = self.http.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        if 400 <= response.status_code < 500:
            raise CarrierRejected(f"{self.carrier} {method} {path}: {response.status_code} {response.text[:200]}")
        response.raise_for_status()
        return response.json() if response.content else {}


def adapters_for(tariff, timeout=10.0):
    """One adapter per carrier of the tariff; web carriers read their URL and key from the tariff entry and
    wait `timeout` seconds (CARRIER_API_TIMEOUT) for an answer."""
    adapters = {}
    for code, spec in tariff.carriers.items():
        number_format = tariff.number_format(code)
        if spec.get("adapter", "range") == "web":
            adapters[code] = WebApiAdapter(code, number_format, spec["base_url"], spec.get("api_key"), timeout)
        else:
            adapters[code] = RangeAdapter(code, number_format)
    return adapters
