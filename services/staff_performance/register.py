"""The staff register: who is who, their rank and team."""
import weakref
from functools import lru_cache

import sqlalchemy as sa

from services.staff_performance.flags import raise_flag
from services.staff_performance.models import StaffMember
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import NotFound

NOT_A_PERSON = {"auto"}   # order review's automatic decisions

# Per database (engine): staff ids seen in the register. Nobody is ever removed from it, so once
# seen, a person needs no more look-ups; the few people on the floor name themselves in every event.
_IN_REGISTER = weakref.WeakKeyDictionary()


@lru_cache(maxsize=None)
def _add_unknown(dialect_name):
    return insert_ignoring_duplicates(dialect_name, StaffMember.__table__).values(
        name="", role="", rank="regular", team="", active=True, registered=False)


def save_staff(uow, staff_id, details):
    """Add or update a person; someone first seen in events becomes registered."""
    values = {**details, "registered": True}
    stmt = insert_ignoring_duplicates(uow.session.get_bind().dialect.name, StaffMember.__table__).values(
        staff_id=staff_id, **values)
    if not uow.session.execute(stmt).rowcount:
        uow.session.execute(sa.update(StaffMember).where(StaffMember.staff_id == staff_id).values(**values))
    return uow.session.get(StaffMember, staff_id, populate_existing=True)


def get_staff(session, staff_id):
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFound(f"no staff member {staff_id!r}", staff_id=staff_id)
    return member


def rank_of(session, staff_id):
    member = session.get(StaffMember, staff_id)
    return member.rank if member else "regular"


def list_staff(session, team=None, registered=None):
    query = sa.select(StaffMember).order_by(StaffMember.staff_id)
    if team:
        query = query.where(StaffMember.team == team)
    if registered is not None:
        query = query.where(StaffMember.registered == registered)
    return session.scalars(query).all()


def note_if_unknown(uow, staff_id, day, origin):
    """Events and devices naming someone not in the register are kept, not dropped: the person
    enters the register unregistered, and a manager is told once."""
    if staff_id in NOT_A_PERSON:
        return
    connection = uow.session.connection()
    known = _IN_REGISTER.setdefault(connection.engine, set())
    if staff_id in known:
        return
    added_here = uow.session.info.setdefault("staff_added", set())
    if connection.execute(_add_unknown(connection.dialect.name), {"staff_id": staff_id}).rowcount:
        added_here.add(staff_id)
        raise_flag(uow, staff_id, "unknown_staff", day, f"{origin} names staff {staff_id!r}, not in the register")
    elif staff_id not in added_here:
        known.add(staff_id)   # committed by someone (a row this transaction added may still roll back)
