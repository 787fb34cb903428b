"""Whether the broker answers, for `/health`: one kept connection per container, so a probe is
a round trip, not a TCP and AMQP handshake (load balancers ask every few seconds)."""
import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.extensions import DependencyProvider

from shared.messaging.brokers import broker_uris, connect_any, failover_uri

PROBE_SECONDS = 2.0


class BrokerProbe(DependencyProvider):
    def setup(self):
        self._uri = self.container.config["AMQP_URI"]
        self._connection = None
        self._lock = Semaphore()   # one probe at a time shares the connection

    def get_dependency(self, worker_ctx):
        return self.reachable

    def reachable(self):
        with self._lock:
            # A kept connection the broker dropped fails once; a fresh one then tells the truth.
            return self._round_trip() or self._round_trip()

    def _round_trip(self):
        try:
            with eventlet.Timeout(PROBE_SECONDS):
                if self._connection is None:
                    self._connection = connect_any(Connection(failover_uri(broker_uris(self._uri)),
                                                              connect_timeout=PROBE_SECONDS))
                self._connection.default_channel.exchange_declare(exchange="amq.direct", type="direct", passive=True)
            return True
        except (Exception, eventlet.Timeout):
            self._close()
            return False

    def _close(self):
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.release()
            except Exception:   # already broken: nothing to give back
                pass

    def stop(self):
        self._close()

    def kill(self):
        self._close()
