"""Waves (波次) and their put-wall slots: the statements behind `waves.py`. A wave's route is read from the
bins its pick lists' goods are reserved in (`pick_bins`), its progress from their pick lines."""
import sqlalchemy as sa

from services.picking_packing.models import PickBin, PickLine, PickList, Warehouse, Wave, WaveOrder
from services.picking_packing.status import CANCELLED, PICKING, READY
from shared.timeutil import to_iso

WAVES, ORDERS, LISTS, LINES, BINS = (Wave.__table__, WaveOrder.__table__, PickList.__table__, PickLine.__table__,
                                     PickBin.__table__)
UNPICKED = (READY, PICKING)   # a wave's pick lists still to pick
MAX_ID = 2 ** 31 - 1   # an id beyond the column's integer is no wave (never a database error)
# A wave's pick lists, served from its warehouse (a list whose goods changed and that another warehouse now serves
# keeps its slot but leaves the route, the scans and the progress).
_WAVE_LISTS = ORDERS.join(WAVES, WAVES.c.id == ORDERS.c.wave_id).join(
    LISTS, sa.and_(LISTS.c.order_no == ORDERS.c.order_no, LISTS.c.warehouse == WAVES.c.warehouse))


def _candidates(courier, zone):
    """Ready pick lists (nothing picked) in no wave, of the courier, with every bin in the zone; oldest first."""
    query = (sa.select(LISTS.c.order_no, LISTS.c.warehouse)
             .where(LISTS.c.status == READY, ~sa.exists().where(ORDERS.c.order_no == LISTS.c.order_no))
             .order_by(LISTS.c.approved_at, LISTS.c.order_no))
    if courier:
        query = query.where(LISTS.c.courier == courier)
    if zone:
        query = query.where(~sa.exists().where(BINS.c.order_no == LISTS.c.order_no,
                                               ~BINS.c.bin.startswith(zone, autoescape=True)))
    return query


def oldest_warehouse(session, courier, zone):
    """The warehouse of the oldest pick list a wave of this selection could take; None if none."""
    oldest = session.connection().execute(_candidates(courier, zone).limit(1)).first()
    return oldest.warehouse if oldest else None


def lock_warehouse(session, warehouse):
    """The warehouse's row, locked until commit: waves of one warehouse are made one at a time (so two never
    take the same pick list); False if there is no such warehouse."""
    found = session.connection().execute(sa.select(Warehouse.__table__.c.code)
                                         .where(Warehouse.__table__.c.code == warehouse).with_for_update())
    return found.first() is not None


def candidates(session, warehouse, courier, zone, size):
    """Up to `size` order numbers a wave takes, oldest approval first."""
    query = _candidates(courier, zone).where(LISTS.c.warehouse == warehouse).limit(size)
    return [row.order_no for row in session.connection().execute(query)]


def insert(session, wave, order_nos):
    """The wave (a dict of its columns) and its pick lists in slots 1..N; the new wave's id."""
    connection = session.connection()
    wave_id = connection.execute(sa.insert(WAVES).values(**wave)).inserted_primary_key[0]
    connection.execute(sa.insert(ORDERS), [{"wave_id": wave_id, "order_no": order_no, "slot": slot}
                                           for slot, order_no in enumerate(order_nos, start=1)])
    return wave_id


_COLUMNS = (WAVES.c.id, WAVES.c.warehouse, WAVES.c.status, WAVES.c.created_by, WAVES.c.created_at, WAVES.c.courier,
            WAVES.c.zone, WAVES.c.size, WAVES.c.cancelled_by, WAVES.c.cancelled_at, WAVES.c.cancel_reason)


def _shown(row, **more):
    return {"id": row.id, "warehouse": row.warehouse, "status": row.status, "created_by": row.created_by,
            "created_at": to_iso(row.created_at), "courier": row.courier, "zone": row.zone, "size": row.size,
            "cancelled_by": row.cancelled_by, "cancelled_at": to_iso(row.cancelled_at) if row.cancelled_at else None,
            "cancel_reason": row.cancel_reason, **more}


def wave(session, wave_id, lock=False):
    """The wave as the API shows it (without its orders), locked until commit if `lock`; None if unknown."""
    if not 0 < wave_id <= MAX_ID:
        return None
    query = sa.select(*_COLUMNS).where(WAVES.c.id == wave_id)
    row = session.connection().execute(query.with_for_update() if lock else query).first()
    return _shown(row) if row else None


def listing(session, status=None, limit=100):
    """Waves, newest first, with how many orders each holds."""
    orders = (sa.select(sa.func.count()).select_from(ORDERS).where(ORDERS.c.wave_id == WAVES.c.id)
              .scalar_subquery())
    query = sa.select(*_COLUMNS, orders.label("orders")).order_by(WAVES.c.id.desc()).limit(limit)
    if status:
        query = query.where(WAVES.c.status == status)
    return [_shown(row, orders=row.orders) for row in session.connection().execute(query)]


def orders(session, wave_id):
    """[{slot, order_no, status}] of the wave, by slot."""
    query = (sa.select(ORDERS.c.slot, ORDERS.c.order_no, LISTS.c.status)
             .select_from(ORDERS.join(LISTS, LISTS.c.order_no == ORDERS.c.order_no))
             .where(ORDERS.c.wave_id == wave_id).order_by(ORDERS.c.slot))
    return [dict(row._mapping) for row in session.connection().execute(query)]


def route_rows(session, wave_id):
    """(bin, sku, name, slot, qty) of the wave's goods still to be shipped (cancelled lists left out), by bin,
    SKU and slot: the route."""
    query = (sa.select(BINS.c.bin, BINS.c.sku, LINES.c.name, ORDERS.c.slot, BINS.c.qty)
             .select_from(_WAVE_LISTS
                          .join(BINS, BINS.c.order_no == ORDERS.c.order_no)
                          .join(LINES, sa.and_(LINES.c.order_no == BINS.c.order_no, LINES.c.sku == BINS.c.sku)))
             .where(ORDERS.c.wave_id == wave_id, LISTS.c.status != CANCELLED)
             .order_by(BINS.c.bin, BINS.c.sku, ORDERS.c.slot))
    return session.connection().execute(query).all()


def lines_to_pick(session, wave_id, sku):
    """[(slot, order_no)] of the wave's pick lists still to pick that hold the SKU, by slot."""
    query = (sa.select(ORDERS.c.slot, ORDERS.c.order_no)
             .select_from(_WAVE_LISTS
                          .join(LINES, LINES.c.order_no == ORDERS.c.order_no))
             .where(ORDERS.c.wave_id == wave_id, LISTS.c.status.in_(UNPICKED), LINES.c.sku == sku)
             .order_by(ORDERS.c.slot))
    return [tuple(row) for row in session.connection().execute(query)]


def progress(session, wave_id):
    """[{sku, qty, picked}] over the wave's pick lists (cancelled ones left out), by SKU."""
    query = (sa.select(LINES.c.sku, sa.func.sum(LINES.c.qty).label("qty"), sa.func.sum(LINES.c.picked).label("picked"))
             .select_from(_WAVE_LISTS
                          .join(LINES, LINES.c.order_no == ORDERS.c.order_no))
             .where(ORDERS.c.wave_id == wave_id, LISTS.c.status != CANCELLED)
             .group_by(LINES.c.sku).order_by(LINES.c.sku))
    return [{"sku": row.sku, "qty": int(row.qty), "picked": int(row.picked)}
            for row in session.connection().execute(query)]


def holds_sku(session, wave_id, sku):
    query = (sa.select(LINES.c.sku).select_from(ORDERS.join(LINES, LINES.c.order_no == ORDERS.c.order_no))
             .where(ORDERS.c.wave_id == wave_id, LINES.c.sku == sku).limit(1))
    return session.connection().execute(query).first() is not None


def holds_bin(session, wave_id, sku, bin_code):
    query = (sa.select(BINS.c.bin).select_from(ORDERS.join(BINS, BINS.c.order_no == ORDERS.c.order_no))
             .where(ORDERS.c.wave_id == wave_id, BINS.c.sku == sku, BINS.c.bin == bin_code).limit(1))
    return session.connection().execute(query).first() is not None


def anything_to_pick(session, wave_id):
    query = (sa.select(ORDERS.c.order_no).select_from(_WAVE_LISTS)
             .where(ORDERS.c.wave_id == wave_id, LISTS.c.status.in_(UNPICKED)).limit(1))
    return session.connection().execute(query).first() is not None


def release(session, wave_id, order_nos):
    """These pick lists leave the wave (and its slots): another wave may take them."""
    if order_nos:
        session.connection().execute(sa.delete(ORDERS).where(ORDERS.c.wave_id == wave_id,
                                                             ORDERS.c.order_no.in_(order_nos)))


def set_status(session, wave_id, status, **values):
    session.connection().execute(sa.update(WAVES).where(WAVES.c.id == wave_id).values(status=status, **values))


def slot_of(session, order_no):
    """{wave_id, slot, wave_status} of the order's wave, or None: the packing station sorts it from the put wall."""
    query = (sa.select(ORDERS.c.wave_id, ORDERS.c.slot, WAVES.c.status.label("wave_status"))
             .select_from(ORDERS.join(WAVES, WAVES.c.id == ORDERS.c.wave_id)).where(ORDERS.c.order_no == order_no))
    row = session.connection().execute(query).first()
    return dict(row._mapping) if row else None


def open_in_warehouse(session, warehouse):
    """How many of the warehouse's waves are still being picked."""
    return session.scalar(sa.select(sa.func.count()).select_from(WAVES).where(
        WAVES.c.warehouse == warehouse, WAVES.c.status == "open"))   # waves.OPEN
