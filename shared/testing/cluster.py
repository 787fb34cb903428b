"""A RabbitMQ cluster of our own on loopback, for tests and the benchmark (issue 21).

Each node has its own name (`<prefix><letter>-<random>@localhost`), AMQP and distribution ports, and
its data, logs, configuration and Erlang cookie under one temporary folder; it runs as the `rabbitmq`
user (the server refuses root's cookie layout and the packaged wrapper would switch to the machine's
own data). Plugins are off (no management listener to collide with the machine's). The nodes are
joined with `rabbitmqctl join_cluster`, and every `rabbitmqctl` call names its node (`-n`) and uses
the cluster's cookie: nothing here can reach the machine's own broker (`rabbit@<host>` on 5672).

`stop()` stops every node it started, by its own process id, and deletes the folder, even after a
failure; use it as a context manager.
"""
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from shared.testing.started import Started

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
USER = "rabbitmq"
START_SECONDS = 120


def available():
    """Why a cluster can't be started here, or None."""
    if not (os.path.exists(SERVER) and os.path.exists(CTL)):
        return "rabbitmq-server is not installed"
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return "there is no rabbitmq user"
    if os.geteuid() != 0:
        return "starting nodes as the rabbitmq user needs root"
    return None


def iptables(*args, check=True):
    done = subprocess.run(["iptables", "-w", "10", *args], capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        raise RuntimeError(f"iptables {' '.join(args)}: {done.stderr}")
    return done.returncode


def can_cut():
    """Why `cut_off` can't work here, or None."""
    try:
        done = subprocess.run(["iptables", "-w", "10", "-L", "INPUT", "-n"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"iptables: {exc}"
    return None if done.returncode == 0 else f"iptables: {done.stderr.decode(errors='replace').strip()}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Node:
    name: str
    port: int
    dist_port: int
    base: str
    popen: subprocess.Popen = None
    pid: int = None        # the Erlang VM's own process id
    address: str = None    # where its outgoing distribution connections come from (own_addresses)
    log: str = field(default="", repr=False)

    def uri(self, vhost="/", user="guest", password="guest", host="127.0.0.1"):
        """`host`: where the node is reached, if not on loopback (a relay to its port, say)."""
        from urllib.parse import quote
        return f"amqp://{user}:{password}@{host}:{self.port}/{quote(vhost, safe='')}"


class RabbitCluster(Started):
    def __init__(self, size=3, prefix="c21", partition_handling="pause_minority", own_addresses=False):
        """`own_addresses`: each node opens its distribution connections from a loopback address of its
        own (127.0.0.11, .12, ...), so `cut_off` can tell its traffic from its peers'."""
        self.prefix, self.size, self.partition_handling = prefix, size, partition_handling
        self.own_addresses = own_addresses
        self.root = None
        self.nodes = []
        self.cookie = secrets.token_hex(20)
        self.tag = secrets.token_hex(3)
        self._chains = []

    # -- life ----------------------------------------------------------------------------------
    def start(self):
        self.root = tempfile.mkdtemp(prefix=f"{self.prefix}-cluster-")
        tag = self.tag
        os.makedirs(os.path.join(self.root, "home"))
        cookie = os.path.join(self.root, "home", ".erlang.cookie")
        with open(cookie, "w") as out:
            out.write(self.cookie)
        os.chmod(cookie, 0o400)
        for index, letter in enumerate("abcdefg"[: self.size]):
            base = os.path.join(self.root, letter)
            node = Node(f"{self.prefix}{letter}-{tag}@localhost", free_port(), free_port(), base)
            if self.own_addresses:
                node.address = f"127.0.0.{11 + index}"
            os.makedirs(os.path.join(base, "mnesia"))
            os.makedirs(os.path.join(base, "log"))
            with open(os.path.join(base, "rabbitmq.conf"), "w") as conf:
                conf.write(f"listeners.tcp.1 = 127.0.0.1:{node.port}\n"
                           f"cluster_partition_handling = {self.partition_handling}\n"
                           "loopback_users.guest = true\n"
                           # a partitioned node notices its peers are gone within seconds, not a minute
                           "net_ticktime = 10\n")
            with open(os.path.join(base, "enabled_plugins"), "w") as plugins:
                plugins.write("[].\n")
            with open(os.path.join(base, "advanced.config"), "w") as advanced:
                if node.address:   # outgoing distribution connections leave from the node's own address
                    octets = ",".join(node.address.split("."))
                    advanced.write(f"[{{kernel, [{{inet_dist_connect_options, [{{ip, {{{octets}}}}}]}}]}}].\n")
                else:
                    advanced.write("[].\n")
            open(os.path.join(base, "rabbitmq-env.conf"), "w").close()
            self.nodes.append(node)
        user = pwd.getpwnam(USER)
        for path, _, files in os.walk(self.root):
            os.chown(path, user.pw_uid, user.pw_gid)
            for name in files:
                os.chown(os.path.join(path, name), user.pw_uid, user.pw_gid)
        os.chmod(self.root, 0o755)
        for node in self.nodes:
            self._launch(node)
        for node in self.nodes:
            self.await_node(node)
        first = self.nodes[0]
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        self.ctl(first, "await_online_nodes", str(self.size), timeout=START_SECONDS)

    def _env(self, node):
        base = node.base
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(self.root, "home"),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "RABBITMQ_NODENAME": node.name, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(node.port), "RABBITMQ_DIST_PORT": str(node.dist_port),
            "RABBITMQ_MNESIA_BASE": os.path.join(base, "mnesia"), "RABBITMQ_LOG_BASE": os.path.join(base, "log"),
            "RABBITMQ_CONFIG_FILE": os.path.join(base, "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(base, "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": os.path.join(base, "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(base, "enabled_plugins"),
            "RABBITMQ_ENABLED_PLUGINS": "",
            "RABBITMQ_PID_FILE": os.path.join(base, "pid"),
            "RABBITMQ_LOGS": os.path.join(base, "log", "node.log"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def _launch(self, node):
        node.log = os.path.join(node.base, "log", "console.log")
        with open(node.log, "ab") as out:
            node.popen = subprocess.Popen(["runuser", "-u", USER, "--", SERVER], env=self._env(node),
                                          cwd=node.base, stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)

    def await_node(self, node, timeout=START_SECONDS):
        deadline = time.monotonic() + timeout
        while True:
            if node.popen.poll() is not None:
                raise RuntimeError(f"{node.name} exited with {node.popen.returncode}: {self._tail(node)}")
            done = self.ctl(node, "await_startup", check=False, timeout=30)
            if done.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{node.name} did not start in {timeout} s: {done.stderr} {self._tail(node)}")
            time.sleep(1)
        node.pid = int(self.ctl(node, "eval", "list_to_integer(os:getpid()).").stdout.strip())

    def ctl(self, node, *args, check=True, timeout=120):
        """`rabbitmqctl -n <node> args`. Without `check`, a call that takes longer than `timeout` (an Erlang VM
        of its own to start, on a loaded machine; a node that does not answer) is a failed call, which
        the callers poll again, not an exception."""
        command = ["runuser", "-u", USER, "--", CTL, "-q", "-n", node.name, *args]
        call = subprocess.Popen(command, env=self._env(node), cwd=node.base, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = call.communicate(timeout=timeout)
            done = subprocess.CompletedProcess(command, call.returncode, out, err)
        except subprocess.TimeoutExpired:   # the call's own process group: runuser and rabbitmqctl's VM
            try:
                os.killpg(call.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            call.communicate()
            done = subprocess.CompletedProcess(command, 124, "", f"no answer within {timeout} s")
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl -n {node.name} {' '.join(args)}: {done.stderr or done.stdout}")
        return done

    def _tail(self, node):
        try:
            with open(node.log, errors="replace") as log:
                return log.read()[-2000:]
        except OSError:
            return ""

    # -- what the tests do to it ---------------------------------------------------------------
    def kill(self, node):
        """SIGKILL the node's Erlang VM: no goodbye to its peers or its clients."""
        if node.pid:
            os.kill(node.pid, signal.SIGKILL)
        node.popen.wait(timeout=30)
        node.pid = None

    def restart(self, node):
        self._launch(node)
        self.await_node(node)

    def uris(self, vhost="/", rotate=0, host="127.0.0.1"):
        """Every node's URI, starting at node `rotate`, as `AMQP_URI` lists them; `host` as in `Node.uri`."""
        uris = [node.uri(vhost, host=host) for node in self.nodes]
        rotate %= len(uris)
        return ";".join(uris[rotate:] + uris[:rotate])

    def running(self):
        return [node for node in self.nodes if node.popen is not None and node.popen.poll() is None]

    def leaders(self, vhost="/", node=None):
        """{queue: node name leading it}, asked of `node` or the first running node."""
        node = node or self.running()[0]
        out = self.ctl(node, "list_queues", "-p", vhost, "--no-table-headers", "name", "leader").stdout
        return dict(line.split("\t")[:2] for line in out.splitlines() if "\t" in line)

    def holding(self, vhost="/", node=None):
        """{queue: (messages, leader)} of the queues holding messages, asked of `node` or the first running
        node (where a stuck message waits: a delay queue whose dead-lettering stopped, say)."""
        node = node or self.running()[0]
        out = self.ctl(node, "list_queues", "-p", vhost, "--no-table-headers", "name", "messages", "leader").stdout
        rows = (line.split("\t") for line in out.splitlines() if line.count("\t") >= 2)
        return {name: (int(messages), leader) for name, messages, leader, *_ in rows
                if messages.isdigit() and int(messages)}

    def node_named(self, name):
        return next(node for node in self.nodes if node.name == name)

    def cut_off(self, node):
        """Drop every packet of `node`'s Erlang distribution on loopback (iptables, a chain of our own):
        the connections its peers opened to its distribution port, and the ones it opened from its own
        address. AMQP to it still flows. Returns a function that heals the partition; `stop()` heals
        whatever is still cut."""
        if not node.address:
            raise RuntimeError("cut_off needs the cluster started with own_addresses=True")
        chain = f"{self.prefix}-{self.tag}-{len(self._chains)}"[:28]
        self._chains.append(chain)
        iptables("-N", chain)
        for rule in (["--dport", str(node.dist_port)], ["--sport", str(node.dist_port)],
                     ["-s", node.address], ["-d", node.address]):
            iptables("-A", chain, "-p", "tcp", *rule, "-j", "DROP")
        iptables("-I", "INPUT", "1", "-i", "lo", "-j", chain)
        return lambda: self.heal(chain)

    def heal(self, chain=None):
        """Remove the rules of one cut (or of every cut), however far its making got."""
        for name in ([chain] if chain else list(self._chains)):
            while iptables("-D", "INPUT", "-i", "lo", "-j", name, check=False) == 0:
                pass
            iptables("-F", name, check=False)
            iptables("-X", name, check=False)
            if name in self._chains:
                self._chains.remove(name)

    def running_nodes(self, node):
        """How many nodes `node` sees running, itself included (None if it does not answer)."""
        done = self.ctl(node, "eval", "length(rabbit_nodes:all_running()).", check=False, timeout=30)
        return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip().isdigit() else None

    def stop(self):
        self.heal()
        for node in self.nodes:
            if node.popen is None or node.popen.poll() is not None:
                continue
            try:
                self.ctl(node, "stop", check=False, timeout=60)
                node.popen.wait(timeout=30)
            except Exception:   # stuck: its own process group (start_new_session), and nothing else
                try:
                    os.killpg(node.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                if node.pid:
                    try:
                        os.kill(node.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                node.popen.wait(timeout=30)
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
