"""Timers whose interval the deployment sets (shared/timers.py): SLA checks, care rounds, daily close."""
import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension

from services.after_sales.service import AfterSalesService
from services.customer_retention.service import CustomerRetentionService
from services.staff_performance.service import StaffPerformanceService
from shared.timers import ConfiguredTimer, timer


class Ticking:
    name = "ticking"

    @timer(3600, "TICK_SECONDS")
    def tick(self):
        return "ticked"


def test_the_configured_interval_replaces_the_codes_and_the_timer_fires_on_it(container_factory):
    container = container_factory(Ticking, {"TICK_SECONDS": "0.05"})
    with entrypoint_waiter(container, "tick", timeout=5) as waited:
        container.start()   # an hour by the code's interval: only the configured one fires in time
    assert waited.get() == "ticked"
    assert get_extension(container, ConfiguredTimer).interval == 0.05


def test_without_the_key_the_codes_interval_stands(container_factory):
    container = container_factory(Ticking, {})
    container.start()
    assert get_extension(container, ConfiguredTimer).interval == 3600


@pytest.mark.parametrize("bad", ["0", "-5"])
def test_an_interval_that_is_not_positive_stops_the_start(container_factory, bad):
    with pytest.raises(ValueError, match="TICK_SECONDS"):
        container_factory(Ticking, {"TICK_SECONDS": bad}).start()


@pytest.mark.parametrize("service, method, key, default", [
    (AfterSalesService, "watch_slas", "SLA_CHECK_SECONDS", 10),
    (CustomerRetentionService, "make_rounds", "ROUNDS_SECONDS", 60),
    (StaffPerformanceService, "close_yesterday", "DAILY_CLOSE_SECONDS", 3600),
])
def test_each_services_timer_has_its_key_and_default(service, method, key, default):
    found = [e for e in service.__dict__[method].nameko_entrypoints if isinstance(e, ConfiguredTimer)]
    assert [(e.config_key, e.interval) for e in found] == [(key, default)]
