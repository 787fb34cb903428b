import pytest

from services.shipping_labels.settings import Settings as ShippingDesk
from services.shipping_labels.models import Base
from shared.db.dependency import standalone


@pytest.fixture
def db(fresh_database_url):
    """The service's database without a container: domain tests drive the use cases directly."""
    return standalone(Base, fresh_database_url("shipping_labels"), "shipping_labels")


@pytest.fixture
def desk():
    return ShippingDesk.from_config({"WAYBILL_RANGE_LOW_THRESHOLD": 2})


@pytest.fixture
def run(db):
    """run(use_case, *args): one unit of work around one use case, returning its result."""
    def call(use_case, *args, **kwargs):
        with db.unit_of_work() as uow:
            return use_case(uow, *args, **kwargs)
    return call
