import pytest

from services.staff_performance import register
from services.staff_performance.models import Base
from shared.db.dependency import standalone


@pytest.fixture
def db(fresh_database_url):
    """The service's database without a container: use cases run in plain units of work."""
    return standalone(Base, fresh_database_url("staff_performance"), "staff_performance")


@pytest.fixture
def hire(db):
    def hire(staff_id, rank="regular", team="sales-1", role="sales"):
        with db.unit_of_work() as uow:
            register.save_staff(uow, staff_id, {"name": staff_id.title(), "role": role, "rank": rank,
                                                "team": team, "active": True})
        return staff_id
    return hire
