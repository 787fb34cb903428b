"""Issue #16 items 6-9: nothing from outside takes a service (or the console) down.

Idle, half-sent and slow connections are cut at a deadline; a service holds at most
HTTP_MAX_CONNECTIONS and answers the next one 503; at its descriptor limit it refuses connections
instead of dying; deep JSON, absurd days and non-ASCII digits are 400s naming the field; CSV cells
cannot be formulas; every answer carries the security headers. Real HTTP over loopback sockets."""
import csv
import io
import json
import resource
import socket
import sys
import time
import uuid
from contextlib import closing, contextmanager
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from nameko.testing.utils import find_free_port

from services.shipping_labels import s10
from services.shipping_labels.models import UnmatchedHandover
from services.web_console import csrf
from shared.secret_files import write_secret

from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.testing.processes import running_process
from shared.timeutil import utcnow
from shared.web import api
from shared.web.auth import PUBLIC
from shared.web.connections import HttpLimits
from shared.web.downloads import FORMULA_STARTS
from shared.web.standard import StandardEndpoints
from tests.reliability.test_bad_input import desk  # noqa: F401  (fixture: after_sales with a paid order)
from tests.shipping_labels.factories import approved, handover_scan, packed
from tests.web_console.conftest import (  # noqa: F401  (fixtures)
    browser, browser_session, console_identity, console_identity_config, start_console,
)

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


# -- raw HTTP over a socket ------------------------------------------------------
def connect(base_url, timeout=10):
    address = urlsplit(base_url)
    return socket.create_connection((address.hostname, address.port), timeout=timeout)


def seconds_until_closed(sock, limit):
    """Seconds until the other end closes `sock` (end of file or a reset), reading (and dropping)
    whatever it sends; None if it is still open after `limit` seconds."""
    start = time.monotonic()
    while True:
        left = limit - (time.monotonic() - start)
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return time.monotonic() - start
        except socket.timeout:
            return None
        except ConnectionResetError:
            return time.monotonic() - start


def read_answer(sock, limit=10):
    """(status, headers, body) of one answer with a Content-Length."""
    sock.settimeout(limit)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before an answer: {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    length = int(headers.get("Content-Length", 0))
    while len(body) < length:
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def request_bytes(method, path, headers=None, body=b""):
    lines = [f"{method} {path} HTTP/1.1", "Host: test"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def healthy(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


# -- item 6: idle, half-sent and slow clients -------------------------------------
def test_idle_half_sent_and_dribbling_connections_are_cut_at_the_header_deadline(start_service):
    service = start_service("order_review", HTTP_HEADER_TIMEOUT_SECONDS=2)
    idle, half = connect(service.base_url), connect(service.base_url)
    half.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n")          # headers never finished
    # A request sent 1.5 s after connecting is in time and is answered on the same connection.
    in_time = connect(service.base_url)
    assert seconds_until_closed(in_time, 1.5) is None
    in_time.sendall(request_bytes("GET", "/health"))
    assert read_answer(in_time)[0] == 200
    # A slowloris: one header line every 0.4 s, each read well inside any per-read timeout.
    slow, start, cut_after = connect(service.base_url), time.monotonic(), None
    slow.sendall(b"GET /health HTTP/1.1\r\n")
    for _ in range(20):
        try:
            slow.sendall(b"X-Slow: 1\r\n")
        except OSError:
            cut_after = time.monotonic() - start
            break
        if seconds_until_closed(slow, 0.4) is not None:
            cut_after = time.monotonic() - start
            break
    assert cut_after is not None and 1.9 <= cut_after <= 4, cut_after
    for sock in (idle, half, in_time):    # in_time: idle again after its answer
        closed = seconds_until_closed(sock, 5)
        assert closed is not None and closed <= 4, closed
    for sock in (idle, half, in_time, slow):
        sock.close()
    assert healthy(service.url("/health"))


def test_a_body_that_does_not_arrive_in_time_is_a_408_and_the_connection_closes(start_service):
    floor = start_service("picking_packing", HTTP_BODY_TIMEOUT_SECONDS=1.5)
    headers = {**floor.headers("scanner", "S-scan"), "Content-Type": "application/json"}
    body = json.dumps({"scan_id": str(uuid.uuid4()), "station_id": "ST-01", "type": "teleport"}).encode()
    # In time: the body in two parts, 1 s apart, is read and judged (400: the scan type is unknown).
    with closing(connect(floor.base_url)) as sock:
        sock.sendall(request_bytes("POST", "/scans", headers, body)[:-10])
        assert seconds_until_closed(sock, 1.0) is None
        sock.sendall(body[-10:])
        status, _, answer = read_answer(sock)
        assert status == 400 and json.loads(answer)["error"] == "validation_failed", answer
    # Too slow: ten bytes are missing and never come.
    with closing(connect(floor.base_url)) as sock:
        start = time.monotonic()
        sock.sendall(request_bytes("POST", "/scans", headers, body)[:-10])
        status, answer_headers, answer = read_answer(sock)
        assert status == 408 and json.loads(answer)["error"] == "request_timeout", answer
        assert 1.4 <= time.monotonic() - start <= 4
        assert answer_headers.get("Connection") == "close"
        assert seconds_until_closed(sock, 2) is not None
    assert healthy(floor.url("/health"))


def test_connections_over_the_cap_are_answered_503_at_once(start_service):
    service = start_service("order_review", HTTP_MAX_CONNECTIONS=4, HTTP_HEADER_TIMEOUT_SECONDS=30)
    held = [connect(service.base_url) for _ in range(3)]
    fourth = connect(service.base_url)                    # the cap's last place: served
    fourth.sendall(request_bytes("GET", "/health"))
    assert read_answer(fourth)[0] == 200
    with closing(connect(service.base_url)) as fifth:    # over the cap: told so, not left waiting
        status, headers, body = read_answer(fifth, limit=3)
        assert status == 503 and json.loads(body)["error"] == "overloaded", body
        assert set(SECURITY_HEADERS) <= set(headers)
        assert seconds_until_closed(fifth, 2) is not None
    held.pop().close()                                    # a place frees: new connections are served
    wait_for(lambda: healthy(service.url("/health")), timeout=10)
    for sock in held + [fourth]:
        sock.close()


@contextmanager
def flood(base_url, count, half_sent_every=2):
    """`count` connections (every `half_sent_every`th with half a request), all closed afterwards;
    yields (sockets, connections that could not even be opened)."""
    sockets, failed = [], 0
    try:
        for index in range(count):
            try:
                sock = connect(base_url, timeout=3)
            except OSError:
                failed += 1
                continue
            sockets.append(sock)
            if index % half_sent_every == 0:
                sock.sendall(b"POST /cases HTTP/1.1\r\nHost: test\r\n")
        yield sockets, failed
    finally:
        for sock in sockets:
            sock.close()


def refused(sockets):
    """How many of the sockets were answered 503 by a service out of descriptors or over its cap."""
    count = 0
    for sock in sockets:
        sock.settimeout(0.05)
        try:
            count += sock.recv(64).startswith(b"HTTP/1.1 503")
        except (socket.timeout, ConnectionResetError):
            pass
    return count


def survives_a_flood(argv, env, ready_url, log, descriptors, connections):
    """Run `argv` with at most `descriptors` open files, flood it with `connections` (more than that):
    some are answered 503, it keeps running and says why, and it answers `ready_url` again while the
    flood is still connected (the idle and half-sent ones time out) and after."""
    with running_process(argv, {**env, "HTTP_HEADER_TIMEOUT_SECONDS": "3"}, log, ready_url,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))
                         ) as process:
        with flood(ready_url, connections) as (sockets, _):
            wait_for(lambda: process.poll() is not None or refused(sockets) > 0, timeout=10,
                     message="no connection was refused")
            assert process.poll() is None, f"the process died: {log.read_text()[-3000:]}"
            wait_for(lambda: healthy(ready_url), timeout=30, message="no answer while flooded")
        wait_for(lambda: healthy(ready_url), timeout=30)
        assert process.poll() is None
    output = log.read_text()
    assert "out of file descriptors" in output and "Traceback" not in output, output[-3000:]


def test_a_service_at_its_descriptor_limit_refuses_connections_and_lives(rabbit_config, fresh_database_url,
                                                                          tmp_path):
    port = find_free_port()
    env = {"AMQP_URI": rabbit_config["AMQP_URI"], "ORDER_REVIEW_PORT": str(port), "HTTP_HOST": "127.0.0.1",
           "ORDER_REVIEW_DATABASE_URL": fresh_database_url("order_review")}
    survives_a_flood([sys.executable, "-m", "shared.run", "order_review"], env, f"http://127.0.0.1:{port}/health",
                     tmp_path / "service.log", 120, 160)


def test_the_console_at_its_descriptor_limit_refuses_connections_and_lives(tmp_path):
    port, csrf_key = find_free_port(), tmp_path / "console-csrf-key"
    write_secret(csrf_key, csrf.new_key())   # the console does not start without it
    survives_a_flood([sys.executable, "-m", "services.web_console"],
                     {"CONSOLE_PORT": str(port), "HTTP_HOST": "127.0.0.1", "CONSOLE_CSRF_KEY_FILE": str(csrf_key)},
                     f"http://127.0.0.1:{port}/signin", tmp_path / "console.log", 64, 100)


def test_the_console_cuts_idle_connections_and_caps_them(start_console):
    console = start_console(http_limits=HttpLimits(header_timeout=1.5, body_timeout=5, max_connections=3))
    idle = [connect(console) for _ in range(3)]
    with closing(connect(console)) as over:
        assert read_answer(over, limit=3)[0] == 503
    for sock in idle:
        closed = seconds_until_closed(sock, 5)
        assert closed is not None and closed <= 3.5, closed
        sock.close()
    assert healthy(console + "/signin")


# -- item 7: deep JSON, absurd days, digits that are not ASCII -----------------------
def nested(depth):
    """A value `depth` lists deep: nested(1) == "[1]"."""
    return "[" * depth + "1" + "]" * depth


def post_raw(url, headers, text):
    return requests.post(url, data=text.encode(), timeout=30, headers={**headers, "Content-Type": "application/json"})


def assert_refused(answer, status, code, field):
    assert answer.status_code == status, answer.text[:300]
    body = answer.json()
    assert body["error"] == code and body["message"], body
    assert field in body.get("fields", {}), body


def test_deeply_nested_json_is_a_400_naming_the_field(start_service):
    desk, floor = start_service("after_sales"), start_service("picking_packing")
    for url, headers, field in [
            (desk.url("/cases"), desk.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())}), "lines"),
            (floor.url("/scans"), floor.headers("scanner", "S-scan"), "barcode")]:
        # The body is level 1, so the field's value may nest 31 lists deep: 32 levels in all.
        at_limit = post_raw(url, headers, '{"%s": %s}' % (field, nested(31)))
        assert at_limit.status_code == 400 and at_limit.json()["error"] == "validation_failed", at_limit.text
        for depth in (32, 5000, 200_000):
            assert_refused(post_raw(url, headers, '{"%s": %s}' % (field, nested(depth))), 400,
                           "too_deeply_nested", field)
        deep_object = '{"%s": ' % field + '{"a": ' * 40 + "1" + "}" * 40 + "}"
        assert_refused(post_raw(url, headers, deep_object), 400, "too_deeply_nested", field)
        # Brackets inside strings are text, not nesting.
        text = post_raw(url, headers, json.dumps({field: "[" * 100}))
        assert text.json()["error"] == "validation_failed", text.text
        assert healthy(url.rsplit("/", 1)[0] + "/health")


def test_an_unpaired_surrogate_in_a_body_is_a_400(start_service):
    """Such text passes the schema and no database can store it: refused with the JSON it came in."""
    desk = start_service("after_sales")
    body = ('{"order_no": "SO-1", "case_type": "refund_only", "reason": "\\ud800 broken", "amount": "1.00"}')
    answer = post_raw(desk.url("/cases"), desk.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())}),
                      body)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_text", answer.text
    assert healthy(desk.url("/health"))


DAYS = [("1999-12-31", 400), ("2000-01-01", 200), ("2099-12-31", 200), ("2100-01-01", 400),
        ("9999-12-31", 400), ("0001-01-01", 400)]


def test_a_day_outside_the_years_kept_is_a_400_naming_it(start_service):
    review, labels = start_service("order_review"), start_service("shipping_labels")
    for day, status in DAYS:
        for answer in (
                requests.get(review.url(f"/stats/daily?day={day}"), headers=review.headers("supervisor"), timeout=10),
                requests.get(labels.url(f"/manifests/{day}?carrier=EMS"), headers=labels.headers("manager"),
                             timeout=10)):
            if status == 200:
                assert answer.status_code == 200, (day, answer.text)
            else:
                assert_refused(answer, 400, "validation_failed", "day")


def test_money_in_digits_other_than_ascii_is_a_400_naming_the_amount(desk):
    service, event = desk
    order = event["order"]
    good = {"order_no": order["order_no"], "case_type": "refund_only", "reason": "not_received",
            "lines": [{"sku": order["lines"][0]["sku"], "qty": 1}]}
    for amount in ["٣.٠٠", "３.００", "3.0٠", "1_000.00"]:
        headers = service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())})
        answer = requests.post(service.url("/cases"), json={**good, "amount": amount}, headers=headers, timeout=10)
        assert_refused(answer, 400, "validation_failed", "amount")
        assert "ASCII" in " ".join(answer.json()["fields"]["amount"]), answer.text
    sound = requests.post(service.url("/cases"), json={**good, "amount": "3.00"}, timeout=10,
                          headers=service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())}))
    assert sound.status_code == 201, sound.text


# -- item 8: CSV cells are never formulas -------------------------------------------
def test_the_manifest_csv_writes_formula_like_cells_as_text(start_service, rabbit_config):
    labels, uri = start_service("shipping_labels"), rabbit_config["AMQP_URI"]
    assert requests.post(labels.url("/waybill-ranges"), headers=labels.headers("warehouse"), timeout=10, json={
        "carrier": "EMS", "first_number": s10.compose("EE", 1), "last_number": s10.compose("EE", 9)}).status_code == 201
    order = approved(cod="20.00")
    publish_event(uri, "order_review", "order_approved", order)
    publish_event(uri, "picking_packing", "parcel_packed", packed(order["order_no"]))
    tracking_no = wait_for(lambda: requests.get(labels.url(f"/shipments/{order['order_no']}"), timeout=10,
                                                headers=labels.headers("agent")).json().get("tracking_no"))
    handed = requests.post(labels.url("/handovers"), json=handover_scan(tracking_no), timeout=10,
                           headers=labels.headers("shipper", "@SUM(A1)"))   # a staff id is text from outside
    assert handed.status_code == 200, handed.text
    now = utcnow()
    with labels.db.unit_of_work() as uow:   # an exception the floor told of before hand-overs were scanned here
        uow.session.add(UnmatchedHandover(order_no="=1+1", tracking_no="+EE123", carrier=None, shipper="-2+3",
                                          handed_over_at=now, reason="no approved order with this number"))
    day = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    text = requests.get(labels.url(f"/manifests/{day}?carrier=EMS&format=csv"), headers=labels.headers("manager"),
                        timeout=10).text
    rows = list(csv.reader(io.StringIO(text)))
    parcel = next(row for row in rows if row[0] == "parcel")
    assert parcel[1:3] == [order["order_no"], tracking_no] and "'@SUM(A1)" in parcel, parcel
    row = next(row for row in rows if "1+1" in row[1])
    assert row[:3] == ["handed_over_without_label", "'=1+1", "'+EE123"] and "'-2+3" in row, row


def test_every_csv_the_suite_writes_shows_formula_like_cells_as_text():
    from services.after_sales.http import reports as weekly
    from services.after_sales.flow import REASONS
    from services.customer_retention.http import analytics
    from services.shipping_labels.http import cod_money as cod_report
    from services.staff_performance.http import export
    written = {
        "after-sales weekly": weekly.as_csv({"rows": [
            {"agent": "@SUM(A1)", "cases_opened": 1, "cases_closed": 0, "refunded_amount": "-5.00", "sla_decided": 0,
             "sla_met": 0, "sla_met_pct": None, "reasons": {reason: 0 for reason in REASONS}}]}),
        "scorecard": export.scorecard_csv({
            "staff_id": "+S1", "period": "month", "from": "2026-11-01", "to": "2026-11-30",
            "figures": [{"name": "-x", "value": "-5.00", "target": "\tt", "colour": "green", "note": "=1+1"}],
        }).get_data(as_text=True),
        "leaderboard": export.leaderboard_csv({
            "team": "=T", "month": "2026-11", "metric": "m",
            "rows": [{"place": 1, "staff_id": "\rS", "name": "=cmd|' /C calc'!A0", "value": "1", "deals": 2}],
        }).get_data(as_text=True),
        "cohorts": analytics.cohort_csv([{"cohort": "=2026-01", "size": 1,
                                           "periods": [{"month": 0, "customers": 1, "retention": "-1"}]}]),
        "cod monthly": cod_report.as_csv({"rows": [{"carrier": "=EMS", "month": "@2026-11", "remitted": "-5.00"}]}),
    }
    for name, text in written.items():
        cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
        formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and cell not in ("-5.00", "-1")]
        assert formulas == [], (name, formulas)
        assert any(cell.startswith("'") for cell in cells), (name, cells)
    assert "-5.00" in written["scorecard"] and "'=1+1" in written["scorecard"]


# -- item 9: security headers on every answer -----------------------------------------
class Faulty(StandardEndpoints):
    """A service whose one endpoint fails: the 500 must carry the headers too."""
    name = "faulty"

    @api("GET", "/boom", roles=PUBLIC)
    def boom(self, request):
        raise RuntimeError("a bug")

    @api("POST", "/echo", roles=PUBLIC)
    def echo(self, request):
        return {}


def assert_secured(status, headers, html=False):
    missing = [name for name in SECURITY_HEADERS if name not in headers]
    assert not missing, (status, missing)
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy, policy
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    if html:
        assert "script-src 'self'" in policy, policy


def test_every_answer_of_a_service_carries_the_security_headers(container_factory, rabbit_config, start_service):
    from shared.testing.services import service_test_config
    config = service_test_config("faulty", rabbit_config["AMQP_URI"], DATABASE_URL="sqlite://")
    container_factory(Faulty, config).start()
    faulty = "http://" + config["WEB_SERVER_ADDRESS"]
    review = start_service("order_review")
    answers = {
        200: requests.get(review.url("/health"), timeout=10),
        401: requests.get(review.url("/queue"), timeout=10),
        404: requests.get(review.url("/no-such-page"), timeout=10),
        405: requests.delete(review.url("/health"), timeout=10),
        500: requests.get(faulty + "/boom", timeout=10),
    }
    for status, answer in answers.items():
        assert answer.status_code == status, (status, answer.text[:200])
        assert_secured(status, answer.headers)
    assert answers[200].headers["Content-Security-Policy"].startswith("default-src 'none'")
    raw = {413: request_bytes("POST", "/echo", {"Content-Length": 2 * 1024 * 1024}),   # refused before it is sent
           400: b"GET /a b HTTP/1.1\r\n\r\n"}                                          # a malformed request line
    for expected, request in raw.items():
        with closing(connect(faulty)) as sock:
            sock.sendall(request)
            status, headers, _ = read_answer(sock)
            assert status == expected
            assert_secured(status, headers)


def test_every_answer_of_the_console_carries_the_security_headers(start_console):
    console = start_console()
    answers = [requests.get(console + path, timeout=10, allow_redirects=False)
               for path in ("/signin", "/", "/no-such-page", "/static/console.js", "/static/htmx.min.js")]
    answers.append(requests.put(console + "/signin", timeout=10, allow_redirects=False))
    assert [a.status_code for a in answers] == [200, 303, 404, 200, 200, 405]
    for answer in answers:
        assert_secured(answer.status_code, answer.headers, html=True)


def test_the_console_pages_work_under_their_policy(start_service, start_console, browser):
    """htmx injects an inline <style> unless told not to; an inline script or handler would be refused."""
    floor = start_service("picking_packing")
    browser.base = start_console(floor, start_service("after_sales"))
    browser.csp_violations()
    browser.sign_in("P-1", "packer")
    browser.open("/packing")
    browser.scan("SO-NOT-THERE")                      # an htmx post and swap
    assert browser.focused_id() == "scan"             # console.js, a file, ran after the swap
    browser.sign_in("A-1", "agent")
    browser.open("/cases")
    browser.find("new-case")
    assert browser.csp_violations() == []
