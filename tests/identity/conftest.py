"""Identity started for real (its database, its broker vhost), a clock the test moves, and clients
acting as an administrator and as the console."""
from datetime import timedelta

import pytest

from services.identity import clock as identity_clock
from shared.testing.identity import IdentityClient
from shared.timeutil import utcnow


class Clock:
    """Identity's time, moved by the test instead of sleeping."""

    def __init__(self):
        self.moment = utcnow().replace(microsecond=0)

    def now(self):
        return self.moment

    def advance(self, **delta):
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(identity_clock, "now", moved.now)
    return moved


@pytest.fixture
def identity(start_service, clock):
    """start_identity(**config) would differ only in settings: most tests need the defaults."""
    return IdentityClient(start_service("identity"))


@pytest.fixture
def start_identity(start_service, clock):
    def start(**config):
        return IdentityClient(start_service("identity", **config))
    return start
