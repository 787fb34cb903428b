"""Wait for an outcome with a deadline instead of sleeping."""
import time

import eventlet


def wait_for(predicate, timeout=15.0, interval=0.05, message=None):
    """Call `predicate` until it returns something truthy; return that. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        eventlet.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout}s (last value: {last!r})")
