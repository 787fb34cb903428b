"""A service as production runs it: its own process, stopped by signals (issue #2 "Running it")."""
import os
import signal
import subprocess
import sys

import requests
from nameko.testing.utils import find_free_port

from shared.config import ROOT
from shared.testing.polling import wait_for


def test_a_service_process_starts_answers_and_stops_cleanly_even_when_signalled_twice(
        rabbit_config, fresh_database_url, tmp_path):
    port = find_free_port()
    env = dict(os.environ, AMQP_URI=rabbit_config["AMQP_URI"], ORDER_REVIEW_PORT=str(port),
               HTTP_HOST="127.0.0.1", ORDER_REVIEW_DATABASE_URL=fresh_database_url("order_review"))
    log = open(tmp_path / "service.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "shared.run", "order_review"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        def healthy():
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False
        wait_for(healthy, timeout=30)
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGTERM)        # an impatient operator: ignored, not a crash
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    output = (tmp_path / "service.log").read_bytes()
    assert process.returncode == 0, output.decode()[-2000:]
    assert b"Traceback" not in output
