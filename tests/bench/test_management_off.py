"""On a fresh machine RabbitMQ's management plugin is off: the bench says what to run, in one line."""
import socket

import pytest

from tools.bench import cli
from tools.bench.broker import ManagementOff, Vhost


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]   # nothing listens once the probe is closed


def test_a_vhost_is_refused_with_what_to_run_when_the_management_api_does_not_answer():
    with pytest.raises(ManagementOff) as refused:
        with Vhost(management_uri=f"http://guest:guest@127.0.0.1:{_closed_port()}"):
            pass
    assert "rabbitmq-plugins enable rabbitmq_management" in str(refused.value)
    assert "guest" not in str(refused.value)   # the credentials stay out of the message


def test_the_command_prints_one_line_and_fails(monkeypatch, capsys):
    def refused(*_args, **_kwargs):
        raise ManagementOff("RabbitMQ's management API does not answer at http://127.0.0.1:1: run it")
    monkeypatch.setattr(cli, "run", refused)
    assert cli.main(["--smoke", "--no-floor"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "management API does not answer" in err


def test_a_running_management_api_is_accepted():
    with Vhost() as vhost:    # the machine's broker has the plugin on (.ci/run enables it)
        assert vhost.queues() == []
