"""Alembic, once per service: one migrations folder per service, one shared env."""
from pathlib import Path

from alembic import command
from alembic.config import Config

from shared.config import ROOT, database_url


def alembic_config(service, url=None):
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    config.set_main_option("sqlalchemy.url", (url or database_url(service)).replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service, url=None, revision="head"):
    if (url or database_url(service)).startswith("sqlite:///"):
        Path((url or database_url(service))[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, url), revision)


def run_env(metadata):
    """Body of every service's migrations/env.py."""
    from alembic import context
    from sqlalchemy import create_engine, pool

    from shared.db.engine import normalize_url

    url = normalize_url(context.config.get_main_option("sqlalchemy.url"))
    is_sqlite = url.startswith("sqlite")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=is_sqlite)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=is_sqlite,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
