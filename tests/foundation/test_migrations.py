"""Each service's Alembic migrations build exactly the schema its models describe (issue #2, "Databases")."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.config import SERVICES
from shared.db.engine import normalize_url
from tests.conftest import service_module  # noqa: F401  (imports each service package)


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models(service, fresh_database_url):
    import importlib

    models = importlib.import_module(f"services.{service}.models")
    engine = sa.create_engine(normalize_url(fresh_database_url(service)))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, models.Base.metadata)
    engine.dispose()
    assert differences == [], f"{service}: models and migrations differ; run tools.new_migration"
