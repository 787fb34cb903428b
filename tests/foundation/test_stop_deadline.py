"""A stop that can't finish (a worker that never returns) ends the process after STOP_GRACE_SECONDS instead of
keeping it for ever: a SIGTERMed service goes, and what it held and had not acked comes again."""
import signal
import subprocess
import sys
import time

from shared.testing.polling import wait_for

STUCK_SERVICE = """
import sys
import eventlet
from nameko.timer import timer
from shared.run import serve

class Stuck:
    name = "stuck"

    @timer(interval=0.05)
    def hold(self):
        print("holding", flush=True)
        while True:   # a worker that never finishes
            eventlet.sleep(0.1)

serve(Stuck, {"AMQP_URI": sys.argv[1], "STOP_GRACE_SECONDS": sys.argv[2]})
"""
GRACE = 3


def test_a_stop_held_up_by_a_worker_ends_the_process_at_the_grace(rabbit_config, tmp_path):
    log = tmp_path / "stuck.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", STUCK_SERVICE, rabbit_config["AMQP_URI"], str(GRACE)],
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: b"holding" in log.read_bytes(), timeout=30, message="the worker never started")
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=GRACE + 10)
        took = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_bytes().decode()
    assert process.returncode == -signal.SIGALRM, output[-2000:]
    assert GRACE - 0.5 <= took < GRACE + 5, took   # it gave the stop its grace, then no more
    assert "still stopping; workers running: ['hold']" in output
