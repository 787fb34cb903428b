"""A service (or the console) as production runs it: its own process, in a test."""
import os
import subprocess
from contextlib import contextmanager

import requests

from shared.config import ROOT
from shared.testing.keys import session_keys
from shared.testing.polling import wait_for


@contextmanager
def running_process(argv, env, log_path, ready_url, preexec_fn=None, timeout=30):
    """Start `argv` with `env` added to this environment (and the test session's public key), its output
    in `log_path`; yield the process once `ready_url` answers 200; kill it at the end if it is still running."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **session_keys().environ(), **env}, stdout=log,
                                   stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        try:
            def ready():
                if process.poll() is not None:
                    raise AssertionError(f"{argv} exited with {process.returncode}")
                try:
                    return requests.get(ready_url, timeout=1).status_code == 200
                except requests.ConnectionError:
                    return False
            wait_for(ready, timeout=timeout)
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
