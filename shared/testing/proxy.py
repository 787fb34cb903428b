"""A TCP proxy a test can stop and start: "the broker is down" for one service only,
without touching the RabbitMQ that other tests share."""
import socket

import eventlet
from nameko.testing.utils import find_free_port


class TcpProxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = find_free_port()
        self._listener = None
        self._server = None
        self._sockets = set()
        self._pipes = set()
        self.accepted = 0   # connections let through, for tests that count them

    def start(self):
        self._listener = eventlet.listen(("127.0.0.1", self.port))
        self._server = eventlet.spawn(self._accept)
        return self

    def stop(self):
        """Refuse new connections and cut every open one."""
        if self._server is not None:
            self._server.kill()
            self._server = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        # Kill the pipes before closing their sockets, so no green thread still waits on a
        # file descriptor the system may hand to a new socket.
        for pipe in list(self._pipes):
            pipe.kill()
        self._pipes.clear()
        for sock in list(self._sockets):
            sock.close()
        self._sockets.clear()

    def uri_for(self, amqp_uri):
        """The same AMQP URI, through this proxy."""
        scheme, rest = amqp_uri.split("://", 1)
        credentials, hostpart = rest.rsplit("@", 1)
        vhost = hostpart.split("/", 1)[1] if "/" in hostpart else ""
        return f"{scheme}://{credentials}@127.0.0.1:{self.port}/{vhost}"

    def _accept(self):
        while True:
            client, _ = self._listener.accept()
            try:
                upstream = eventlet.connect(self.target)
            except OSError:
                client.close()
                continue
            self.accepted += 1
            self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                pipe = eventlet.spawn(self._pipe, source, sink)
                self._pipes.add(pipe)
                pipe.link(self._pipes.discard)

    def _pipe(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)   # wakes the opposite pipe; it closes its own end
                except OSError:
                    pass
