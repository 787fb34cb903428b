"""Issue #16 items 6-9: nothing from outside takes a service (or the console) down.

Idle, half-sent and slow connections are cut at a deadline; a service holds at most
HTTP_MAX_CONNECTIONS and answers the next one 503; at its descriptor limit it refuses connections
instead of dying; deep JSON, absurd days and non-ASCII digits are 400s naming the field; CSV cells
cannot be formulas; every answer carries the security headers. Real HTTP over loopback sockets."""
import socket
from contextlib import closing
from urllib.parse import urlsplit

import requests

from shared.web import api
from shared.web.auth import PUBLIC
from shared.web.standard import StandardEndpoints
from tests.web_console.conftest import browser, browser_session, start_console  # noqa: F401  (fixtures)

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


# -- raw HTTP over a socket ------------------------------------------------------
def connect(base_url, timeout=10):
    address = urlsplit(base_url)
    return socket.create_connection((address.hostname, address.port), timeout=timeout)


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
    raw = {413: request_bytes("POST", "/echo", {"Content-Length": 2 * 1024 * 1024})}   # refused before it is sent
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
