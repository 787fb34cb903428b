"""`--profile`: py-spy samples every service process while orders flow (`pip install py-spy`).

Writes each service's collapsed stacks (flamegraph.pl / speedscope input) to the log folder
and reports, per service, where its busy time went: the share of samples under each
entrypoint and under each of our own functions (services/, shared/, contracts/).
"""
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter

OURS = ("services/", "shared/", "contracts/")


class Profiler:
    def __init__(self, suite, log_dir, rate=100):
        self.suite, self.log_dir, self.rate = suite, log_dir, rate
        self.samplers = {}

    def start(self):
        py_spy = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
        if not os.path.exists(py_spy):
            raise RuntimeError("--profile needs py-spy: .venv/bin/pip install py-spy")
        for process in self.suite.processes:
            path = os.path.join(self.log_dir, f"profile-{process.service}.{process.instance}.txt")
            self.samplers[path] = subprocess.Popen(
                [py_spy, "record", "-p", str(process.popen.pid), "-r", str(self.rate), "-f", "raw", "-o", path],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        """Stop sampling; {service file: summary}."""
        for sampler in self.samplers.values():
            sampler.send_signal(signal.SIGINT)
        for sampler in self.samplers.values():
            sampler.wait(timeout=30)
        return {os.path.basename(path): summarise(path) for path in self.samplers if os.path.exists(path)}


def summarise(path, top=12):
    entrypoints, ours, total = Counter(), Counter(), 0
    with open(path) as stacks:
        for line in stacks:
            stack, _, count = line.rstrip().rpartition(" ")
            count, frames = int(count), stack.split(";")
            total += count
            entrypoints[_entrypoint(frames)] += count
            for frame in set(f for f in frames if any(f"({prefix}" in f for prefix in OURS)):
                ours[frame] += count
    share = lambda counter: {name: round(100 * n / total, 1) for name, n in counter.most_common(top)}
    return {"samples": total, "entrypoints_pct": share(entrypoints), "our_code_pct": share(ours)}


def _entrypoint(frames):
    if any("Hub.do_poll" in frame for frame in frames):
        return "idle (eventlet hub waiting in epoll)"
    for index, frame in enumerate(frames):
        if "OutboxRelay.run" in frame:
            return "outbox relay"
        if "_run_worker" in frame and index + 1 < len(frames):
            return frames[index + 1].split(" (")[0]
    return "nameko/eventlet/kombu plumbing"
