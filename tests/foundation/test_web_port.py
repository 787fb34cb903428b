"""A service whose HTTP port is already in use fails to start, instead of sharing the port."""
import pytest

from tests.foundation.sample_service import SampleService


def test_a_second_service_on_a_port_in_use_fails_to_start(start_sample, sample_config, container_factory):
    first = start_sample()
    clash = sample_config(WEB_SERVER_ADDRESS=first.config["WEB_SERVER_ADDRESS"])
    with pytest.raises(OSError):   # EADDRINUSE; with SO_REUSEPORT both would bind and split the requests
        container_factory(SampleService, clash).start()
