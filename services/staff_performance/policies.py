"""Policy versions in the database (a manager's changes) on top of the default file."""
import json

import sqlalchemy as sa

from services.staff_performance.models import PolicyVersion
from services.staff_performance.policy import Policy, PolicyBook
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import Conflict
from shared.timeutil import utcnow


def book(session):
    rows = session.scalars(sa.select(PolicyVersion).order_by(PolicyVersion.effective_from)).all()
    return PolicyBook([{**json.loads(row.document), "version": f"v{row.id}",
                        "effective_from": row.effective_from.isoformat()} for row in rows])


def add_version(uow, effective_from, changes, by):
    """`changes` are the numbers that differ from the default; checked by building the policy."""
    Policy({**changes, "effective_from": effective_from.isoformat()})
    stmt = insert_ignoring_duplicates(uow.session.get_bind().dialect.name, PolicyVersion.__table__).values(
        effective_from=effective_from, document=json.dumps(changes), created_by=by, created_at=utcnow())
    if not uow.session.execute(stmt).rowcount:
        raise Conflict(f"a policy version already takes effect on {effective_from}", code="version_exists")
    return uow.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.effective_from == effective_from))


def describe(policy_book):
    return [{"version": p.version, "effective_from": p.effective_from.isoformat(), "policy": p.doc}
            for p in policy_book.versions]
