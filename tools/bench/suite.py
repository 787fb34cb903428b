"""The six services as separate processes, as in production: deploy, start, health, peak memory, stop."""
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from nameko.testing.utils import find_free_port

from shared.config import SERVICES, ROOT
from shared.web.auth import mint_token

# The bench stands in for identity with its run's own key pair; a run may outlast a token's 15 minutes.
RUN_TOKEN_LIFETIME = timedelta(hours=12)


@dataclass
class ServiceProcess:
    service: str
    instance: int
    port: int
    popen: subprocess.Popen
    log_path: str
    terminated: bool = False

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"


class Suite:
    """`instances` processes per service, all on one vhost and one database per service, verifying
    tokens with the run's key pair (`keys`: shared.testing.keys.KeyPair)."""

    def __init__(self, amqp_uri, database_urls, keys, log_dir, instances=1, extra_env=None):
        self.amqp_uri, self.database_urls, self.keys = amqp_uri, database_urls, keys
        self.log_dir, self.instances = log_dir, instances
        self.extra_env = extra_env or {}
        self.processes = []

    def env(self, ports=None):
        env = dict(os.environ, AMQP_URI=self.amqp_uri, AUTH_PUBLIC_KEY_FILE=self.keys.public_file,
                   AUTH_PRIVATE_KEY_FILE=self.keys.private_file, HTTP_HOST="127.0.0.1", PYTHONUNBUFFERED="1",
                   **self.extra_env)
        for service, url in self.database_urls.items():
            env[f"{service.upper()}_DATABASE_URL"] = url
        for service, port in (ports or {}).items():
            env[f"{service.upper()}_PORT"] = str(port)
        return env

    def token(self, staff_id, role):
        """A bearer token signed with the run's private key."""
        return mint_token(self.keys.private_key, staff_id, role, ttl=RUN_TOKEN_LIFETIME)

    def deploy(self):
        """What `make migrate` does: migrate every database, declare every queue (side by side)."""
        tools = [subprocess.Popen([sys.executable, "-m", tool], env=self.env(), cwd=ROOT, stdout=subprocess.DEVNULL)
                 for tool in ("tools.migrate", "tools.declare_topology")]
        for tool in tools:
            if tool.wait() != 0:
                raise RuntimeError(f"{' '.join(tool.args[1:])} failed with {tool.returncode}")

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        taken = set()
        for instance in range(self.instances):
            for service in SERVICES:
                port = find_free_port()
                while port in taken:   # free now, but already promised to another process
                    port = find_free_port()
                taken.add(port)
                log_path = os.path.join(self.log_dir, f"{service}.{instance}.log")
                with open(log_path, "wb") as log:
                    popen = subprocess.Popen([sys.executable, "-m", "shared.run", service], cwd=ROOT,
                                             env=self.env({service: port}), stdout=log, stderr=subprocess.STDOUT)
                self.processes.append(ServiceProcess(service, instance, port, popen, log_path))

    def wait_healthy(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        waiting = list(self.processes)
        while waiting:
            for process in list(waiting):
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.service} exited with {process.popen.returncode}; "
                                       f"see {process.log_path}")
                try:
                    if requests.get(process.base_url + "/health", timeout=2).status_code == 200:
                        waiting.remove(process)
                except requests.RequestException:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"not healthy after {timeout:.0f}s: {[p.service for p in waiting]}")
            time.sleep(0.2)

    def url(self, service, path, instance=0):
        for process in self.processes:
            if process.service == service and process.instance == instance:
                return process.base_url + path
        raise KeyError(service)

    def urls(self, service, path):
        return [p.base_url + path for p in self.processes if p.service == service]

    def peak_memory_kb(self):
        """VmHWM (peak resident set) of each process, read before it exits; the max over instances."""
        peaks = {}
        for process in self.processes:
            kb = _vm_hwm_kb(process.popen.pid)
            if kb is not None:
                peaks[process.service] = max(peaks.get(process.service, 0), kb)
        return peaks

    def cpu_seconds(self):
        """User + system CPU each service has used so far (summed over instances)."""
        used = {}
        for process in self.processes:
            seconds = _cpu_seconds(process.popen.pid)
            if seconds is not None:
                used[process.service] = round(used.get(process.service, 0.0) + seconds, 2)
        return used

    def terminate(self):
        """Ask every process to stop (SIGTERM: nameko stops gracefully); `stop()` waits for them.
        Once only: a second SIGTERM breaks nameko's graceful stop half-way."""
        for process in self.processes:
            if process.popen.poll() is None and not process.terminated:
                process.popen.send_signal(signal.SIGTERM)
                process.terminated = True

    def stop(self, timeout=20.0):
        self.terminate()
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def _cpu_seconds(pid, children=False):
    """utime + stime; with `children`, also what its finished children used (cutime + cstime)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _cpu_of(command, children=False):
    """CPU seconds of every process named `command` (its /proc comm)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().strip() != command:
                    continue
        except OSError:
            continue
        total += _cpu_seconds(pid, children) or 0.0
    return total


def others_cpu_seconds(postgres=False):
    """CPU of what shares the machine with the services: RabbitMQ (every beam.smp process, so
    whatever else uses the broker counts too), this process (storefront and scanners) and, on
    PostgreSQL, its server: the live backends plus what the ended ones used (the postmaster's
    children's time), so connections opened and closed during the run count too."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    found = {"rabbitmq": _cpu_of("beam.smp"), "bench (storefront + scanners)": own.ru_utime + own.ru_stime}
    if postgres:
        found["postgresql"] = _cpu_of("postgres", children=True)
    return found


def _vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
