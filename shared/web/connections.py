"""What a client may hold of an HTTP server (each service's and the console's), on eventlet.wsgi.

- A request's line and headers must arrive within HTTP_HEADER_TIMEOUT_SECONDS of the connection
  becoming idle (opened, or its last answer sent): idle, half-sent and dribbling clients are cut off.
  Its body must then arrive within HTTP_BODY_TIMEOUT_SECONDS (408 otherwise, and the connection
  closes); each write of the answer must be taken within that time too.
- At most HTTP_MAX_CONNECTIONS are open at once: the next one is answered 503 and closed at once.
- Out of file descriptors (EMFILE), accept() fails and nameko kills the container. Here a spare
  descriptor is let go for a moment instead, so that the waiting connection is accepted, answered
  503 and closed: a refused connection, not a dead service.
- Nothing a connection does escapes its green thread: in nameko that, too, kills the container.
"""
import errno
import json
import logging
import os
import resource
import time
from dataclasses import dataclass
from functools import partial

import eventlet
from eventlet import wsgi
from eventlet.greenio.base import socket_accept
from eventlet.hubs import trampoline
from nameko.web.server import HttpOnlyProtocol
from werkzeug.exceptions import RequestTimeout

from shared.config import HTTP_LIMITS
from shared.web.security_headers import security_headers

log = logging.getLogger(__name__)

OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
DISCARD_LIMIT = 64 * 1024    # an unread body up to this is skipped to keep the connection; beyond, it closes
DESCRIPTOR_HEADROOM = 64     # descriptors a service needs besides its connections (database, broker, files)
LOG_EVERY_SECONDS = 10


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = HTTP_LIMITS["HTTP_HEADER_TIMEOUT_SECONDS"]
    body_timeout: float = HTTP_LIMITS["HTTP_BODY_TIMEOUT_SECONDS"]
    max_connections: int = HTTP_LIMITS["HTTP_MAX_CONNECTIONS"]

    @classmethod
    def from_config(cls, config):
        return cls(header_timeout=float(config.get("HTTP_HEADER_TIMEOUT_SECONDS", cls.header_timeout)),
                   body_timeout=float(config.get("HTTP_BODY_TIMEOUT_SECONDS", cls.body_timeout)),
                   max_connections=int(config.get("HTTP_MAX_CONNECTIONS", cls.max_connections)))


def _refusal():
    body = json.dumps({"error": "overloaded", "message": "too many connections; try again shortly"}).encode()
    head = ["HTTP/1.1 503 Service Unavailable", "Content-Type: application/json", f"Content-Length: {len(body)}",
            "Retry-After: 1", "Connection: close"] + [f"{name}: {value}" for name, value in security_headers()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


REFUSAL = _refusal()


class HeadTimeout(TimeoutError):
    """The request line and headers did not arrive in time (eventlet.wsgi closes on a socket timeout)."""


class GuardedProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with deadlines for the request's head and body."""

    def handle_one_request(self):
        self._head_deadline = eventlet.Timeout(self.server.limits.header_timeout, HeadTimeout())
        try:
            super().handle_one_request()
        finally:
            self._head_deadline.cancel()

    def get_environ(self):
        self._head_deadline.cancel()    # the head is in: the body has its own deadline
        environ = super().get_environ()
        body = environ["eventlet.input"]
        body.rfile = BodyReader(body.rfile, self.server.limits.body_timeout, self._close_after_answer)
        body.discard = partial(self._discard_or_close, body, body.discard)
        return environ

    def end_headers(self):
        """Only http.server's send_error (a malformed request line) gets here: eventlet writes the
        app's answers itself. Those error pages carry the security headers too."""
        for name, value in security_headers():
            self.send_header(name, value)
        super().end_headers()

    def _close_after_answer(self):
        self.close_connection = 1

    def _discard_or_close(self, body, discard):
        """eventlet reads what the app left of a body, to keep the connection: not a large, chunked
        or late one, which could take long. The connection closes instead."""
        if body.chunked_input or (body.content_length or 0) - body.position > DISCARD_LIMIT:
            self.close_connection = 1
            return
        try:
            discard()
        except RequestTimeout:
            self.close_connection = 1


class BodyReader:
    """A request body's reads, all within one deadline; past it, RequestTimeout (a 408 answer)."""

    def __init__(self, rfile, seconds, expired):
        self._rfile, self._seconds, self._expired = rfile, seconds, expired
        self._deadline = time.monotonic() + seconds

    def read(self, *args):
        return self._in_time(self._rfile.read, *args)

    def readline(self, *args):
        return self._in_time(self._rfile.readline, *args)

    def _in_time(self, read, *args):
        late = RequestTimeout(f"the request body did not arrive within {self._seconds:g} seconds")
        try:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise late
            with eventlet.Timeout(left, late):
                return read(*args)
        except RequestTimeout:
            self._expired()
            raise


class ConnectionGate:
    """Accepts a server's connections: at most `max_connections` open, none lost to EMFILE."""

    def __init__(self, listener, limits):
        self.listener, self.limits, self.open, self.refused = listener, limits, 0, 0
        self._spare = _spare_descriptor()
        self._logged_at = {}
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and limits.max_connections > soft - DESCRIPTOR_HEADROOM:
            log.warning("HTTP_MAX_CONNECTIONS %d is more than the descriptor limit (ulimit -n %d) leaves: "
                        "connections beyond it will be refused", limits.max_connections, soft)

    def accept(self):
        """The next connection to serve as (socket, address), or None when one was refused."""
        try:
            sock, address = self.listener.accept()
        except OSError as exc:
            if exc.errno in OUT_OF_DESCRIPTORS:
                self._shed()
                return None
            if exc.errno == errno.ECONNABORTED:   # the client gave up while waiting
                return None
            raise
        if self.open >= self.limits.max_connections:
            self._refuse(sock, "busy")
            return None
        self.open += 1
        sock.settimeout(self.limits.body_timeout)
        return sock, address

    def serve(self, server, sock, address):
        """Serve one connection to its end; whatever happens, close it and free its place."""
        try:
            server.process_request([address, sock, wsgi.STATE_IDLE])
        except Exception as exc:    # a client's doing (reset, garbage): never the server's end
            log.warning("connection from %s ended: %r", address[0] if address else "?", exc)
        finally:
            sock.close()
            self.open -= 1

    def close(self):
        if self._spare is not None:
            os.close(self._spare)
            self._spare = None

    def _shed(self):
        """Out of descriptors: let the spare go, accept the waiting connection on it, refuse it, take
        the spare back. Linux says EMFILE before it looks for a connection: with none waiting, wait
        for one (accept() would fail at once again, and the loop would starve every green thread).
        Without a spare (another green thread took it), wait for descriptors to free."""
        if self._spare is None:
            self._spare = _spare_descriptor()
            if self._spare is None:
                self._note("descriptors")
                eventlet.sleep(0.1)
                return
        listener = getattr(self.listener, "fd", self.listener)
        os.close(self._spare)
        self._spare = None
        try:
            accepted = socket_accept(listener)
        except OSError:
            accepted = None
        if accepted:
            self._refuse(accepted[0], "descriptors")
        self._spare = _spare_descriptor()
        if not accepted:
            trampoline(listener, read=True)

    def _refuse(self, sock, why):
        self._note(why)
        try:
            sock.setblocking(False)
            sock.send(REFUSAL)      # a fresh socket's buffer takes it at once; if not, the client just sees the close
        except OSError:
            pass
        finally:
            sock.close()

    def _note(self, why):
        """Log refusals at most every LOG_EVERY_SECONDS per reason: a flood must not flood the log."""
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at.get(why, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
            self._logged_at[why] = now
            reason = ("out of file descriptors" if why == "descriptors"
                      else f"{self.open} connections open (HTTP_MAX_CONNECTIONS)")
            log.warning("refusing connections: %s; %d refused so far", reason, self.refused)


def _spare_descriptor():
    try:
        return os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def guard(server, limits):
    """Set an eventlet.wsgi.Server (built with GuardedProtocol) to the limits."""
    server.limits, server.socket_timeout = limits, limits.body_timeout
    return server


def serve(listener, app, limits, **server_options):
    """Run a WSGI app on `listener` within the limits until killed (eventlet.wsgi.server's job)."""
    server = guard(wsgi.Server(listener, listener.getsockname(), app, protocol=GuardedProtocol, **server_options),
                   limits)
    gate = ConnectionGate(listener, limits)
    try:
        while True:
            accepted = gate.accept()
            if accepted:
                eventlet.spawn_n(gate.serve, server, *accepted)
    finally:
        gate.close()
