"""Start every service (identity included) and the web console as separate processes (what
`make run` does after `tools.deploy`).

Each service is its own process with its own database; Ctrl-C stops them all.
"""
import os
import signal
import subprocess
import sys
import time

from shared import config

CONSOLE_PORT = os.environ.get("CONSOLE_PORT", "8000")


def main():
    processes = []
    for name in config.SERVICES:
        processes.append(subprocess.Popen([sys.executable, "-m", "shared.run", name]))
        print(f"started {name} (pid {processes[-1].pid}) on port {config.http_port(name)}", flush=True)
    processes.append(subprocess.Popen([sys.executable, "-m", "services.web_console"]))
    print(f"started the web console (pid {processes[-1].pid}) on http://localhost:{CONSOLE_PORT}", flush=True)

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        for name, process in zip(config.SERVICES + ("web_console",), processes):
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the suite", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
