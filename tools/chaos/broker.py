"""A private RabbitMQ node, on its own ports and its own data directory, that a test may
`kill -9` and start again — never the broker other tests share.

    with PrivateBroker() as broker:     # ~10 s to boot
        broker.amqp_uri                 # amqp://guest:guest@127.0.0.1:<port>/
        broker.kill()                   # SIGKILL of the node's beam process
        broker.start()                  # same port, same data: durable queues and messages survive
        broker.queues()                 # {queue: (ready, unacked)}, asked of the queues themselves
        broker.redelivered()            # deliveries flagged redelivered since the node started
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

from nameko.testing.utils import find_free_port

RABBITMQ_USER = "rabbitmq"
SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
# The node's own counters (updated as it delivers, unlike the management statistics, which lag
# by their sampling interval): redeliveries over every queue type.
REDELIVERED = ("lists:sum([maps:get(messages_redelivered_total, Counters, 0)"
               " || Counters <- maps:values(rabbit_global_counters:overview())]).")


def available():
    return os.path.exists(SERVER) and os.path.exists(CTL)


class PrivateBroker:
    def __init__(self, boot_timeout=90):
        self.node = f"rabbit_chaos_{uuid.uuid4().hex[:8]}@localhost"
        self.port = find_free_port()
        self.dist_port = find_free_port()
        self.boot_timeout = boot_timeout
        self.workdir = tempfile.mkdtemp(prefix="chaos-rabbit-")
        self._server = None

    @property
    def amqp_uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    # -- the node's environment ----------------------------------------
    def _as_broker_user(self):
        """Root runs the node as `rabbitmq` (its Erlang cookie, as rabbitmqctl expects)."""
        return os.geteuid() == 0

    def _prepare(self):
        with open(os.path.join(self.workdir, "enabled_plugins"), "w") as plugins:
            plugins.write("[].\n")
        with open(os.path.join(self.workdir, "rabbitmq.conf"), "w") as conf:
            conf.write(f"listeners.tcp.default = {self.port}\nloopback_users = none\n")
        if self._as_broker_user():
            user = pwd.getpwnam(RABBITMQ_USER)
            os.chmod(self.workdir, 0o755)
            for root, dirs, files in os.walk(self.workdir):
                for name in dirs + files + [""]:
                    os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)

    def _env(self):
        env = dict(os.environ)
        env.update({
            "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": os.path.join(self.workdir, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.workdir, "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.workdir, "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.workdir, "rabbitmq.conf"),
            "RABBITMQ_SERVER_START_ARGS": f"-rabbit tcp_listeners [{self.port}]",
        })
        if self._as_broker_user():
            env["HOME"] = pwd.getpwnam(RABBITMQ_USER).pw_dir
        return env

    def _command(self, *argv):
        if self._as_broker_user():
            return ["setpriv", f"--reuid={RABBITMQ_USER}", f"--regid={RABBITMQ_USER}", "--init-groups", *argv]
        return list(argv)

    # -- life and death -------------------------------------------------
    def start(self):
        if self._server is None:
            self._prepare()
        log = open(os.path.join(self.workdir, "server.out"), "ab")
        self._server = subprocess.Popen(self._command(SERVER), env=self._env(), stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.workdir,
                                        start_new_session=True)
        self.wait_ready()
        return self

    def wait_ready(self):
        """`await_startup` fails at once while the node isn't registered yet: ask until the deadline."""
        deadline = time.monotonic() + self.boot_timeout
        while True:
            done = subprocess.run(self._command(CTL, "-n", self.node, "await_startup", "--timeout", "30"),
                                  env=self._env(), cwd=self.workdir, capture_output=True, text=True)
            if done.returncode == 0:
                return
            if self._server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"private RabbitMQ {self.node} did not start; see {self.workdir}/server.out")
            time.sleep(0.5)

    # -- what the node sees ----------------------------------------------
    def _ctl(self, *args):
        return subprocess.run(self._command(CTL, "-n", self.node, *args), env=self._env(), cwd=self.workdir,
                              capture_output=True, text=True, check=True).stdout

    def queues(self, vhost="/"):
        """{queue: (messages ready, deliveries not acked yet)}, live."""
        listed = self._ctl("-q", "list_queues", "-p", vhost, "--no-table-headers",
                           "name", "messages_ready", "messages_unacknowledged")
        return {name: (int(ready), int(unacked))
                for name, ready, unacked in (line.rsplit(None, 2) for line in listed.splitlines())}

    def redelivered(self):
        """Deliveries flagged redelivered since the node started (a kill of the node starts again at 0)."""
        return int(self._ctl("eval", REDELIVERED).strip())

    def beam_pid(self):
        """The Erlang VM of this node: the process listening on its distribution port."""
        out = subprocess.run(["ss", "-Hltnp", f"sport = :{self.dist_port}"], capture_output=True, text=True).stdout
        match = re.search(r'"beam[^"]*",pid=(\d+)', out)
        return int(match.group(1)) if match else None

    def kill(self):
        """kill -9 of the broker: no goodbye to any client."""
        pid = self.beam_pid()
        if pid is None:
            raise RuntimeError(f"no beam process for {self.node}")
        os.kill(pid, signal.SIGKILL)
        if self._server is not None:
            self._server.wait(timeout=30)
        _wait_gone(pid)

    def stop(self):
        pid = self.beam_pid()
        if pid is not None:
            subprocess.run(self._command(CTL, "-n", self.node, "stop"), env=self._env(), cwd=self.workdir,
                           capture_output=True, timeout=60)
            _wait_gone(pid, timeout=30, kill=True)
        if self._server is not None:
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return False


def _command_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return ""


def _wait_gone(pid, timeout=30, kill=False):
    deadline = time.monotonic() + timeout
    while os.path.exists(f"/proc/{pid}") and _command_name(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if kill and os.path.exists(f"/proc/{pid}"):
        os.kill(pid, signal.SIGKILL)
