"""The staff register: who is who, their rank and team."""
from services.staff_performance import storage
from services.staff_performance.flags import raise_flag
from services.staff_performance.models import StaffMember
from shared.errors import NotFound

NOT_A_PERSON = {"auto"}   # order review's automatic decisions


def save_staff(uow, staff_id, details):
    """Add or update a person; someone first seen in events becomes registered."""
    return storage.save_staff(uow.session, staff_id, {**details, "registered": True})


def get_staff(session, staff_id):
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFound(f"no staff member {staff_id!r}", staff_id=staff_id)
    return member


def rank_of(session, staff_id):
    member = session.get(StaffMember, staff_id)
    return member.rank if member else "regular"


def list_staff(session, team=None, registered=None):
    return storage.staff_list(session, team, registered)


def note_if_unknown(uow, staff_id, day, origin):
    """Events and devices naming someone not in the register are kept, not dropped: the person
    enters the register unregistered, and a manager is told once."""
    if staff_id in NOT_A_PERSON:
        return
    known = storage.staff_seen(uow.session)
    if staff_id in known:
        return
    added_here = uow.session.info.setdefault("staff_added", set())
    if storage.add_unknown_staff(uow.session, staff_id):
        added_here.add(staff_id)
        raise_flag(uow, staff_id, "unknown_staff", day, f"{origin} names staff {staff_id!r}, not in the register")
    elif staff_id not in added_here:
        known.add(staff_id)   # committed by someone (a row this transaction added may still roll back)
