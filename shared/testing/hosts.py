"""Two (or more) "hosts" on one machine for tests (issue 21): each a network namespace of its own,
joined to the root namespace by a veth pair the helper makes (10.213.<n>.1 on the root side, .2
inside). PostgreSQL and the broker listen on 127.0.0.1 in the root namespace, which a namespace
can't reach, so `forward(port)` starts a `socat` per host on the root side of its veth
(10.213.<n>.1:<port>) that relays to 127.0.0.1:<port>: to the server, the connection comes from
loopback, as every other client's does. A process started with `popen(host, ...)` runs inside the
namespace (`ip netns exec`, which execs the command, so its process id is the command's own).

`stop()` (or leaving the `with` block) ends every relay it started (its own process group), deletes
every veth and namespace, even after a failure. Nothing else on the machine is changed: no iptables
rule, no sysctl.
"""
import ipaddress
import os
import random
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass, field

from shared.testing.started import Started


def ip(*args, check=True):
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done


def available():
    """Why hosts can't be made here, or None (tries `ip netns add` for real)."""
    if not shutil.which("ip"):
        return "the ip command is not installed"
    if not shutil.which("socat"):
        return "socat is not installed (it relays PostgreSQL and the broker into the namespaces)"
    probe = f"h21probe{secrets.token_hex(3)}"
    try:
        added = ip("netns", "add", probe, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"ip netns add: {exc}"
    if added.returncode != 0:
        return f"ip netns add fails here: {added.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return None


@dataclass
class Host:
    name: str          # the namespace
    veth: str          # its root-side end (the other end is inside)
    gateway: str       # the root side's address: where the relays listen
    address: str       # its own address inside
    relays: list = field(default_factory=list)


class Hosts(Started):
    def __init__(self, count=2, prefix="h21"):
        self.count, self.prefix = count, prefix
        self.tag = secrets.token_hex(3)
        self.hosts = []

    def _free_subnets(self):
        used = [ipaddress.ip_interface(a["local"] + "/" + str(a["prefixlen"])).network
                for link in _json(ip("-j", "addr").stdout) for a in link.get("addr_info", [])
                if a.get("family") == "inet"]
        candidates = list(range(1, 255))
        random.shuffle(candidates)
        for third in candidates:
            net = ipaddress.ip_network(f"10.213.{third}.0/30")
            if not any(net.overlaps(other) for other in used):
                yield third

    def start(self):
        subnets = self._free_subnets()
        for index in range(self.count):
            third = next(subnets)
            host = Host(f"{self.prefix}{self.tag}{index}", f"{self.prefix}{self.tag}{index}r",
                        f"10.213.{third}.1", f"10.213.{third}.2")
            self.hosts.append(host)   # before it exists: stop() deletes what got made
            inner = host.veth[:-1] + "n"
            ip("netns", "add", host.name)
            ip("link", "add", host.veth, "type", "veth", "peer", "name", inner)
            ip("link", "set", inner, "netns", host.name)
            ip("addr", "add", f"{host.gateway}/30", "dev", host.veth)
            ip("link", "set", host.veth, "up")
            ip("-n", host.name, "link", "set", "lo", "up")
            ip("-n", host.name, "addr", "add", f"{host.address}/30", "dev", inner)
            ip("-n", host.name, "link", "set", inner, "up")
            ip("-n", host.name, "route", "add", "default", "via", host.gateway)

    def forward(self, port):
        """Every host reaches 127.0.0.1:<port> of the root namespace at <its gateway>:<port>."""
        for host in self.hosts:
            relay = subprocess.Popen(["socat", f"TCP-LISTEN:{port},bind={host.gateway},reuseaddr,fork,backlog=128",
                                      f"TCP:127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
            host.relays.append(relay)

    def popen(self, host, args, **kwargs):
        return subprocess.Popen(["ip", "netns", "exec", host.name, *args], **kwargs)

    def stop(self):
        for host in self.hosts:
            for relay in host.relays:   # its own process group: the listener and its forked children
                try:
                    os.killpg(relay.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                relay.wait(timeout=30)
            host.relays = []
            ip("link", "del", host.veth, check=False)   # takes the inner end with it
            ip("netns", "del", host.name, check=False)
        self.hosts = []


def _json(text):
    import json
    return json.loads(text or "[]")
