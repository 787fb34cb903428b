"""Fresh databases per run: temporary SQLite files, or PostgreSQL databases dropped afterwards."""
import shutil
import tempfile
import uuid

import sqlalchemy as sa

from shared.config import SERVICES
from shared.db.engine import normalize_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class Databases:
    def __init__(self, postgres_url=None, services=SERVICES):
        self.postgres_url = postgres_url
        self.services = services
        self.run_id = uuid.uuid4().hex[:8]
        self.urls = {}
        self._workdir = None

    @property
    def backend(self):
        return "postgresql" if self.postgres_url else "sqlite"

    def __enter__(self):
        if self.postgres_url:
            with self._admin() as conn:
                for service in self.services:
                    name = f"bench_{self.run_id}_{service}"
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                    self.urls[service] = sa.engine.make_url(self.postgres_url).set(database=name) \
                        .render_as_string(hide_password=False)
        else:
            self._workdir = tempfile.mkdtemp(prefix="bench-db-")
            self.urls = {service: f"sqlite:///{self._workdir}/{service}.db" for service in self.services}
        return self

    def __exit__(self, *exc):
        if self.postgres_url:
            with self._admin() as conn:
                for url in self.urls.values():
                    name = sa.engine.make_url(url).database
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        elif self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
        return False

    def _admin(self):
        engine = sa.create_engine(normalize_url(self.postgres_url), isolation_level="AUTOCOMMIT",
                                  poolclass=sa.pool.NullPool)
        return engine.connect()

    def engine(self, service):
        """A read-only look at a service's database (after the run, or to watch progress)."""
        return sa.create_engine(normalize_url(self.urls[service]), poolclass=sa.pool.NullPool)
