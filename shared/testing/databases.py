"""A fresh, migrated database per test, on SQLite or PostgreSQL (TEST_DB=sqlite|postgres).

Each service's schema is migrated once per test session into a template; every
test gets a copy (a file copy for SQLite, CREATE DATABASE ... TEMPLATE for
PostgreSQL), so tests never see each other's rows or outbox.
"""
import os
import shutil
import uuid

import sqlalchemy as sa

from shared.db.engine import normalize_url
from shared.migrations import upgrade

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def backend():
    return os.environ.get("TEST_DB", "sqlite")


class TestDatabases:
    def __init__(self, workdir):
        self.workdir = workdir
        self.backend = backend()
        self.run_id = uuid.uuid4().hex[:8]
        self._templates = {}
        self._created = []

    def _pg_admin(self):
        return sa.create_engine(normalize_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def _pg_url(self, name):
        return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def _unique_name(self, label):
        return f"t_{self.run_id}_{uuid.uuid4().hex[:8]}_{label}"[:63]

    def _create_pg(self, name, template=None):
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self._created.append(name)
        return name

    def _template(self, service):
        if service not in self._templates:
            if self.backend == "postgres":
                name = self._create_pg(f"tpl_{self.run_id}_{service}")
                upgrade(service, self._pg_url(name))
                self._templates[service] = name
            else:
                path = os.path.join(self.workdir, f"template_{service}.db")
                upgrade(service, f"sqlite:///{path}")
                self._templates[service] = path
        return self._templates[service]

    def fresh_url(self, service):
        template = self._template(service)
        if self.backend == "postgres":
            return self._pg_url(self._create_pg(self._unique_name(service), template))
        path = os.path.join(self.workdir, f"{service}_{uuid.uuid4().hex[:8]}.db")
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    def empty_url(self, label):
        """A new database with no tables (for test-only services that create_all their own)."""
        if self.backend == "postgres":
            return self._pg_url(self._create_pg(self._unique_name(label)))
        return f"sqlite:///{os.path.join(self.workdir, f'{label}_{uuid.uuid4().hex[:8]}.db')}"

    def drop_all(self):
        if self.backend != "postgres":
            return
        with self._pg_admin().connect() as conn:
            for name in reversed(self._created):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
