"""Merge groups (合单, issue #23): the orders' merge facts beside their pick lists, groups and their members."""
import sqlalchemy as sa

from services.picking_packing.models import MergeCandidate, MergeGroup, MergeMember, PickList
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.timeutil import to_iso

CANDIDATES, GROUPS, MEMBERS, LISTS = (MergeCandidate.__table__, MergeGroup.__table__, MergeMember.__table__,
                                      PickList.__table__)
LIVE = ("merged", "packed")   # a group not dissolved

_LIVE_MEMBERSHIP = (sa.select(MEMBERS.c.order_no, MEMBERS.c.group_id, GROUPS.c.status.label("group_status"))
                    .select_from(MEMBERS.join(GROUPS, GROUPS.c.id == MEMBERS.c.group_id))
                    .where(GROUPS.c.status.in_(LIVE)).subquery())
_CANDIDATES = (sa.select(CANDIDATES, LISTS.c.status, LISTS.c.warehouse, _LIVE_MEMBERSHIP.c.group_id)
               .select_from(CANDIDATES.join(LISTS, LISTS.c.order_no == CANDIDATES.c.order_no)
                            .outerjoin(_LIVE_MEMBERSHIP, _LIVE_MEMBERSHIP.c.order_no == CANDIDATES.c.order_no))
               .order_by(CANDIDATES.c.placed_at, CANDIDATES.c.order_no))


def remember(session, values):
    """An approved order's merge facts (kept once: an approval seen again changes nothing)."""
    connection = session.connection()
    connection.execute(insert_ignoring_duplicates(connection.dialect.name, CANDIDATES), values)


def candidates(session, order_nos):
    """The orders' merge facts with their pick list's status and warehouse and live group (rows)."""
    return session.connection().execute(_CANDIDATES.where(CANDIDATES.c.order_no.in_(order_nos))).all()


def open_candidates(session, statuses, customer_id=None):
    """Orders whose pick lists stand at `statuses`, not kept apart by hand (in a live group or not: `group_id`),
    oldest placed first."""
    query = _CANDIDATES.where(LISTS.c.status.in_(statuses), CANDIDATES.c.kept_apart_by.is_(None))
    if customer_id is not None:
        query = query.where(CANDIDATES.c.customer_id == customer_id)
    return session.connection().execute(query).all()


def readdress(session, order_no, address_key, phone_key):
    session.connection().execute(sa.update(CANDIDATES).where(CANDIDATES.c.order_no == order_no)
                                 .values(address_key=address_key, phone_key=phone_key))


def create_group(session, order_nos, by, at):
    connection = session.connection()
    group_id = connection.execute(sa.insert(GROUPS).values(status="merged", merged_by=by, merged_at=at)
                                  .returning(GROUPS.c.id)).scalar_one()
    connection.execute(sa.insert(MEMBERS), [{"group_id": group_id, "order_no": order_no} for order_no in order_nos])
    return group_id


def keep_apart(session, order_nos, by):
    """These orders are not offered or merged automatically again (a person split their group)."""
    session.connection().execute(sa.update(CANDIDATES).where(CANDIDATES.c.order_no.in_(order_nos))
                                 .values(kept_apart_by=by))


def add_members(session, group_id, order_nos):
    session.connection().execute(sa.insert(MEMBERS), [{"group_id": group_id, "order_no": o} for o in order_nos])


def members(session, group_ids):
    """{group id: its order numbers, in order} of these groups."""
    found = {}
    if group_ids:
        for row in session.connection().execute(sa.select(MEMBERS.c.group_id, MEMBERS.c.order_no)
                                                .where(MEMBERS.c.group_id.in_(sorted(group_ids)))
                                                .order_by(MEMBERS.c.order_no)):
            found.setdefault(row.group_id, []).append(row.order_no)
    return found


def group(session, group_id):
    """(status, its order numbers) of a group, or None."""
    status = session.connection().execute(sa.select(GROUPS.c.status).where(GROUPS.c.id == group_id)).scalar()
    if status is None:
        return None
    return status, members(session, [group_id]).get(group_id, [])


def group_of(session, order_no, status="merged"):
    """(group id, its order numbers) of the order's group standing at `status`, or None."""
    connection = session.connection()
    group_id = connection.execute(
        sa.select(MEMBERS.c.group_id).join(GROUPS, GROUPS.c.id == MEMBERS.c.group_id)
        .where(MEMBERS.c.order_no == order_no, GROUPS.c.status == status)).scalar()
    if group_id is None:
        return None
    return group_id, members(session, [group_id]).get(group_id, [])


def close(session, group_id, from_status, to_status, **values):
    """Move a group on only if it still stands at `from_status` (1 if it moved)."""
    return session.connection().execute(sa.update(GROUPS).where(GROUPS.c.id == group_id,
                                                                GROUPS.c.status == from_status)
                                        .values(status=to_status, **values)).rowcount


def groups(session, status=None, limit=100):
    """Merge groups as the API shows them, newest first, with their orders."""
    query = sa.select(GROUPS).order_by(GROUPS.c.id.desc()).limit(limit)
    if status:
        query = query.where(GROUPS.c.status == status)
    connection = session.connection()
    rows = connection.execute(query).all()
    members = {}
    if rows:
        for member in connection.execute(
                sa.select(MEMBERS.c.group_id, MEMBERS.c.order_no, LISTS.c.status)
                .join(LISTS, LISTS.c.order_no == MEMBERS.c.order_no)
                .where(MEMBERS.c.group_id.in_([row.id for row in rows])).order_by(MEMBERS.c.order_no)):
            members.setdefault(member.group_id, []).append({"order_no": member.order_no, "status": member.status})
    return [{"id": row.id, "status": row.status, "merged_by": row.merged_by, "merged_at": to_iso(row.merged_at),
             "dissolved_at": to_iso(row.dissolved_at) if row.dissolved_at else None,
             "dissolved_reason": row.dissolved_reason, "orders": members.get(row.id, [])} for row in rows]
