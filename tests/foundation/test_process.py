"""A service as production runs it: its own process, stopped by signals (issue #2 "Running it")."""
import signal
import sys

from nameko.testing.utils import find_free_port

from shared.testing.polling import wait_for
from shared.testing.processes import running_process
from shared.testing.proxy import TcpProxy


def order_review_process(amqp_uri, database_url, log_path):
    """order_review under `python -m shared.run`, healthy; killed at the end if still running."""
    port = find_free_port()
    env = dict(AMQP_URI=amqp_uri, ORDER_REVIEW_PORT=str(port), HTTP_HOST="127.0.0.1",
               ORDER_REVIEW_DATABASE_URL=database_url)
    return running_process([sys.executable, "-m", "shared.run", "order_review"], env, log_path,
                           f"http://127.0.0.1:{port}/health")


def test_a_service_process_starts_answers_and_stops_cleanly_even_when_signalled_twice(
        rabbit_config, fresh_database_url, tmp_path):
    log = tmp_path / "service.log"
    with order_review_process(rabbit_config["AMQP_URI"], fresh_database_url("order_review"), log) as process:
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGTERM)        # an impatient operator: ignored, not a crash
        process.wait(timeout=20)
    output = log.read_bytes()
    assert process.returncode == 0, output.decode()[-2000:]
    assert b"Traceback" not in output


def test_a_service_process_stops_on_sigterm_while_its_broker_is_unreachable(
        rabbit_config, fresh_database_url, tmp_path):
    log, proxy = tmp_path / "service.log", TcpProxy("127.0.0.1", 5672).start()
    try:
        with order_review_process(proxy.uri_for(rabbit_config["AMQP_URI"]), fresh_database_url("order_review"),
                                  log) as process:
            proxy.stop()
            wait_for(lambda: b"Error connecting to broker" in log.read_bytes(), timeout=30)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)                # before: until the broker came back
    finally:
        proxy.stop()
    output = log.read_bytes()
    assert process.returncode == 0, output.decode()[-2000:]
    assert b"not waiting for it" in output
