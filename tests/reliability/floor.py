"""Scanner stations that survive a service dying under them, as real devices do.

Each round reads where every pick list stands and does the next step (pick the lines left,
pack at the expected weight, hand over once the label exists: at shipping labels, POST /handovers). A scan's id is derived from
the step it performs, so a scan retried after a timeout or a restart carries the same
`scan_id` and is answered from the idempotency store instead of counted twice.
"""
import threading
import uuid
from collections import Counter

import requests


ACTIVE = ("ready", "picking", "picked", "packed")
SCAN_NAMESPACE = uuid.UUID("6f1b5d8e-0000-4000-8000-000000000010")


def scan_id(*step):
    return str(uuid.uuid5(SCAN_NAMESPACE, "/".join(str(part) for part in step)))


class ResilientFloor:
    def __init__(self, floor_url, labels_url, token, stations=3):
        self.floor_url, self.labels_url = floor_url, labels_url
        self.stations = stations
        self.stop_event = threading.Event()
        self.answers = Counter()        # HTTP status of every scan answer
        self.replays = 0                # answers marked Idempotent-Replay
        self.errors = Counter()         # connection errors and timeouts (the service was down)
        self.refused = Counter()        # scans answered 4xx, per order
        self.lock = threading.Lock()
        self.threads = []
        self._http = {}
        self._tokens = {role: token("CHAOS-FLOOR", role) for role in ("scanner", "shipper")}

    def start(self):
        for k in range(self.stations):
            thread = threading.Thread(target=self._station, args=(k,), daemon=True)
            self.threads.append(thread)
            thread.start()
        return self

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def figures(self):
        return f"scans {sum(self.answers.values())} {dict(self.answers)}, replays {self.replays}, " \
               f"connection errors {sum(self.errors.values())}"

    # -- one station: its share of the pick lists ------------------------
    def _station(self, k):
        http = requests.Session()
        while not self.stop_event.is_set():
            try:
                worked = 0
                for status in ACTIVE:
                    for entry in self._listing(http, status):
                        if hash(entry["order_no"]) % self.stations == k and not self.stop_event.is_set():
                            self._next_step(http, entry, k)
                            worked += 1
                if not worked:
                    self.stop_event.wait(0.2)
            except (requests.RequestException, ValueError, KeyError) as exc:   # the service is down or restarting
                with self.lock:
                    self.errors[type(exc).__name__] += 1
                self.stop_event.wait(0.5)

    def _listing(self, http, status):
        answer = http.get(f"{self.floor_url}/pick-lists", params={"status": status, "limit": 60},
                          headers=self._auth("scanner"), timeout=10)
        return answer.json()["pick_lists"] if answer.status_code == 200 else []

    def _next_step(self, http, entry, k):
        order_no, station = entry["order_no"], f"CHAOS-{k}"
        if entry["status"] in ("ready", "picking"):
            for line in entry["lines"]:
                if line["picked"] < line["qty"]:
                    self._scan(http, (order_no, "pick", line["sku"], line["picked"]), station_id=station,
                               order_no=order_no, barcode=line["sku"], qty=line["qty"] - line["picked"])
        elif entry["status"] == "picked":
            self._scan(http, (order_no, "pack"), station_id=station, order_no=order_no,
                       weight_g=entry["expected_weight_g"])
        elif entry["status"] == "packed":
            shipment = http.get(f"{self.labels_url}/shipments/{order_no}", headers=self._auth("shipper"), timeout=10)
            tracking_no = shipment.json().get("tracking_no") if shipment.status_code == 200 else None
            if tracking_no:   # scanned where labels are issued and voided (issue 18 item 3)
                self._scan(http, (order_no, "handover"), station_id=station, tracking_no=tracking_no,
                           url=f"{self.labels_url}/handovers")

    def _scan(self, http, step, url=None, **fields):
        """A refused scan is remembered under its id: the next try of that step is a new scan."""
        order_no = step[0]
        body = {"scan_id": scan_id(*step, self.refused[order_no]), **fields}
        if url is None:
            url, body["type"] = f"{self.floor_url}/scans", step[1]
        answer = http.post(url, json=body, headers=self._auth("scanner"), timeout=15)
        with self.lock:
            self.answers[answer.status_code] += 1
            self.replays += answer.headers.get("Idempotent-Replay") == "true"
            self.refused[order_no] += answer.status_code != 200
        return answer

    def _auth(self, role):
        return {"Authorization": f"Bearer {self._tokens[role]}"}
