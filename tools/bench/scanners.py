"""Scanner stations on the floor, over HTTP as real devices are (one `requests.Session` each).

A floor screen lists the pick lists that are ready and hands them out; each station
picks every line (one scan per line), packs with the expected weight, and once the
parcel's label exists (shipping_labels' GET /shipments/{order_no}) scans the hand-over there
(POST /handovers, where labels are issued and voided). Every scan is timed.
"""
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests


LIST_EVERY_S = 0.05     # the floor screen's refresh when nothing new came
FIRST_LABEL_CHECK_S = 0.15  # a label usually exists this soon after packing...
LAST_LABEL_CHECK_S = 0.5    # ...else ask less and less often, not to load the service we wait for
RETRY_PAUSE_S = 0.5         # a device's pause before it sends a refused scan again (with `retry_for`)


@dataclass
class ScanRecord:
    kind: str
    status: int
    seconds: float
    at: float   # time.monotonic() when the answer came


@dataclass
class PackedParcel:
    order_no: str
    packed_at: float
    next_check: float
    wait: float   # doubles while the label isn't there


@dataclass
class FloorStats:
    scans: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    retried: int = 0       # scans sent again after a 503 or no answer, and floor screen looks that failed (retry_for)
    profile: dict = None   # filled by --profile
    lock: threading.Lock = field(default_factory=threading.Lock)

    def scanned(self, record):
        with self.lock:
            self.scans.append(record)

    def retry(self):
        with self.lock:
            self.retried += 1


class Floor:
    """The floor screen plus K stations; `stop()` ends them.

    `retry_for` (seconds, 0 by default: the benchmark counts every refusal as it comes): as a device
    does, a station sends a scan answered 503 ("try again shortly": the service's database or its
    connection limit refused it) or not answered at all again, with the same scan_id (the service
    answers a retry from its idempotency store), until it has tried for that long; and a floor screen
    look that failed is not a failure, since the screen looks again. Without it, such a scan drops its
    order for good: the screen never hands a pick list out twice."""

    def __init__(self, suite, stations, retry_for=0.0):
        self.suite, self.stations, self.retry_for = suite, stations, retry_for
        self.work = queue.Queue()
        self.stop_event = threading.Event()
        self.stats = FloorStats()
        self.threads = []

    def start(self):
        screen_token = self.suite.token("BENCH-SCREEN", "warehouse")
        self.threads.append(threading.Thread(target=self._screen, args=(screen_token,), daemon=True))
        floor_urls = self.suite.urls("picking_packing", "")
        label_urls = self.suite.urls("shipping_labels", "")
        for k in range(self.stations):
            station = Station(f"ST-{k + 1:02d}", floor_urls[k % len(floor_urls)], label_urls[k % len(label_urls)],
                              self.suite.token, self.work, self.stop_event, self.stats, retry_for=self.retry_for)
            self.threads.append(threading.Thread(target=station.run, daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def _screen(self, token):
        """Ready pick lists, oldest first, each handed to one station."""
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        # A short list: the oldest ready work is enough to keep the stations busy.
        url = self.suite.url("picking_packing", f"/pick-lists?status=ready&limit={4 * self.stations}")
        dispatched = set()
        while not self.stop_event.is_set():
            if self.work.qsize() >= 2 * self.stations:   # enough handed out: look again when it runs low
                self.stop_event.wait(LIST_EVERY_S)
                continue
            try:
                ready = http.get(url, timeout=10).json()["pick_lists"]
            except (requests.RequestException, ValueError, KeyError) as exc:
                if self.retry_for:
                    self.stats.retry()
                else:
                    self.stats.failures.append(f"floor screen: {exc}")
                ready = []
            fresh = [entry for entry in ready if entry["order_no"] not in dispatched]
            for entry in fresh:
                dispatched.add(entry["order_no"])
                self.work.put(entry)
            if not fresh:
                self.stop_event.wait(LIST_EVERY_S)
        http.close()


class Station:
    def __init__(self, station_id, floor_url, labels_url, token, work, stop_event, stats, retry_for=0.0):
        self.station_id, self.floor_url, self.labels_url = station_id, floor_url, labels_url
        self.retry_for = retry_for
        self.work, self.stop_event, self.stats = work, stop_event, stats
        self.scanner = requests.Session()
        self.scanner.headers["Authorization"] = f"Bearer {token(station_id, 'scanner')}"
        self.reader = requests.Session()
        self.reader.headers["Authorization"] = f"Bearer {token(station_id, 'shipper')}"
        self.awaiting_label = []   # [PackedParcel]

    def run(self):
        while not self.stop_event.is_set():
            try:
                entry = self.work.get(timeout=0.005)
            except queue.Empty:
                entry = None
            try:
                if entry is not None:
                    self.pick_and_pack(entry)
                self.hand_over_labelled()
            except requests.RequestException as exc:
                self.stats.failures.append(f"{self.station_id}: {exc}")
        self.scanner.close()
        self.reader.close()

    def scan(self, kind, **fields):
        """A floor scan (POST /scans); the hand-over goes to shipping labels (POST /handovers)."""
        body = {"scan_id": str(uuid.uuid4()), "station_id": self.station_id, **fields}
        if kind == "handover":
            url = self.labels_url + "/handovers"
        else:
            url, body["type"] = self.floor_url + "/scans", kind
        give_up_at = time.monotonic() + self.retry_for
        while True:
            started = time.monotonic()
            try:
                answer = self.scanner.post(url, json=body, timeout=30)
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() >= give_up_at or self.stop_event.is_set():
                    raise
            else:
                done = time.monotonic()
                self.stats.scanned(ScanRecord(kind, answer.status_code, done - started, done))
                if answer.status_code != 503 or time.monotonic() >= give_up_at or self.stop_event.is_set():
                    return answer
            self.stats.retry()
            self.stop_event.wait(RETRY_PAUSE_S)

    def pick_and_pack(self, entry):
        order_no = entry["order_no"]
        for line in entry["lines"]:
            answer = self.scan("pick", order_no=order_no, barcode=line["sku"], qty=line["qty"] - line["picked"])
            if answer.status_code != 200:
                return self.stats.failures.append(f"pick {order_no}: {answer.status_code} {answer.text[:200]}")
        answer = self.scan("pack", order_no=order_no, weight_g=entry["expected_weight_g"])
        if answer.status_code != 200:
            return self.stats.failures.append(f"pack {order_no}: {answer.status_code} {answer.text[:200]}")
        now = time.monotonic()
        self.awaiting_label.append(PackedParcel(order_no, now, now + FIRST_LABEL_CHECK_S, FIRST_LABEL_CHECK_S))

    def hand_over_labelled(self):
        """Parcels whose check is due, oldest packed first. Labels come out roughly in packing order,
        so when one isn't there yet the younger ones wait with it (no pointless requests)."""
        now = time.monotonic()
        due = sorted((p for p in self.awaiting_label if p.next_check <= now), key=lambda p: p.packed_at)
        for index, parcel in enumerate(due):
            if self._hand_over(parcel.order_no):
                self.awaiting_label.remove(parcel)
                continue
            parcel.wait = min(2 * parcel.wait, LAST_LABEL_CHECK_S)
            for waiting in due[index:]:
                waiting.next_check = time.monotonic() + parcel.wait
            return

    def _hand_over(self, order_no):
        """True once handed over (or refused for good); False while the label isn't there yet."""
        shipment = self.reader.get(f"{self.labels_url}/shipments/{order_no}", timeout=30)
        tracking_no = shipment.json().get("tracking_no") if shipment.status_code == 200 else None
        if not tracking_no:
            return False
        answer = self.scan("handover", tracking_no=tracking_no)
        if answer.status_code != 200:
            self.stats.failures.append(f"handover {order_no}: {answer.status_code} {answer.text[:200]}")
        return True
