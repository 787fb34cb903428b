"""Picking & packing's own tables.

Stock quantities are guarded by CHECK constraints, so no code path (or race)
can leave on hand, reserved or available below zero.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import UtcDateTime, make_base

Base = make_base()


class StockItem(Base):
    """One SKU's stock: on hand in the warehouse, reserved for orders; available = on_hand - reserved."""
    __tablename__ = "stock_items"
    __table_args__ = (
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="available_not_negative"),
    )

    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    on_hand: Mapped[int] = mapped_column(sa.Integer, default=0)
    reserved: Mapped[int] = mapped_column(sa.Integer, default=0)
    low_threshold: Mapped[int] = mapped_column(sa.Integer, nullable=True)   # None: the default threshold
    low_warned: Mapped[bool] = mapped_column(sa.Boolean, default=False)     # warned once per dip

    @property
    def available(self):
        return self.on_hand - self.reserved


class StorefrontStockLevel(Base):
    """What the storefront was last told of a SKU's available quantity (stock_levels_changed), and when: a SKU
    whose available differs from it, or that has none, is told in the next round (stock_levels.py)."""
    __tablename__ = "storefront_stock_levels"

    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    available: Mapped[int] = mapped_column(sa.Integer)
    sent_at: Mapped[object] = mapped_column(UtcDateTime)


DEFAULT_WAREHOUSE, DEFAULT_BIN = "MAIN", "DEFAULT"   # where today's stock lives (the migration's)


class Warehouse(Base):
    """A warehouse (仓库); `rank` orders it for a province none of its WarehouseProvince rows name."""
    __tablename__ = "warehouses"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    rank: Mapped[int] = mapped_column(sa.Integer, default=1000)


class WarehouseProvince(Base):
    """How near a warehouse is to a province: the lower the rank, the nearer (allocation tries it first)."""
    __tablename__ = "warehouse_provinces"

    warehouse: Mapped[str] = mapped_column(sa.ForeignKey("warehouses.code"), primary_key=True)
    province: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    rank: Mapped[int] = mapped_column(sa.Integer)


class Bin(Base):
    """A bin location (库位) in a warehouse, e.g. A-01-03 (aisle, rack, level): the pick route sorts by it."""
    __tablename__ = "bins"

    warehouse: Mapped[str] = mapped_column(sa.ForeignKey("warehouses.code"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)


class BinStock(Base):
    """One SKU in one bin: on hand, reserved for pick lists. The bins of a SKU add up to its StockItem."""
    __tablename__ = "bin_stock"
    __table_args__ = (
        sa.ForeignKeyConstraint(["warehouse", "bin"], ["bins.warehouse", "bins.code"]),
        sa.CheckConstraint("on_hand >= 0", name="bin_on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="bin_reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="bin_available_not_negative"),
        sa.Index("ix_bin_stock_sku", "sku", "warehouse", "bin"),
    )

    warehouse: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    bin: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    on_hand: Mapped[int] = mapped_column(sa.Integer, default=0)
    reserved: Mapped[int] = mapped_column(sa.Integer, default=0)


class PickBin(Base):
    """Which bin a pick line's goods are reserved in (a line may take from several bins of its warehouse)."""
    __tablename__ = "pick_bins"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="pick_bin_qty_positive"),)

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    warehouse: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    bin: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    qty: Mapped[int] = mapped_column(sa.Integer)


class Barcode(Base):
    """A barcode printed on goods that is not the SKU itself."""
    __tablename__ = "barcodes"

    barcode: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), index=True)


class StockMovement(Base):
    """Every change of on-hand stock, with who and why (receipts, counts, shipments, repacks)."""
    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)   # received, count, shipped, repacked, transfer_*
    warehouse: Mapped[str] = mapped_column(sa.String(32), nullable=True)   # the bin moved (None: before bins)
    bin: Mapped[str] = mapped_column(sa.String(32), nullable=True)
    change: Mapped[int] = mapped_column(sa.Integer)
    on_hand_after: Mapped[int] = mapped_column(sa.Integer)
    by: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(500))
    reference: Mapped[str] = mapped_column(sa.String(100), nullable=True)
    at: Mapped[object] = mapped_column(UtcDateTime)


class PickList(Base):
    """An approved order's goods to pick, with the expected parcel weight, through to hand-over."""
    __tablename__ = "pick_lists"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    warehouse: Mapped[str] = mapped_column(sa.String(32), nullable=True)   # serving it (None while waiting)
    province: Mapped[str] = mapped_column(sa.String(64), nullable=True)    # shipped to: the nearest warehouse
    courier: Mapped[str] = mapped_column(sa.String(20), nullable=True)     # order_approved's (None: not chosen)
    expected_weight_g: Mapped[int] = mapped_column(sa.Integer)
    approved_at: Mapped[object] = mapped_column(UtcDateTime)          # first come, first served
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    picker: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    packer: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    station_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    weight_g: Mapped[int] = mapped_column(sa.Integer, nullable=True)
    packed_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    shipper: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    handed_over_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), nullable=True)
    # How often a later order took stock this one waits for (bounded FIFO overtaking, issue #23).
    overtaken: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    lines: Mapped[list["PickLine"]] = relationship(order_by="PickLine.sku", lazy="selectin")


class PickLine(Base):
    __tablename__ = "pick_lines"
    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint("picked >= 0 AND picked <= qty", name="picked_within_qty"),
    )

    order_no: Mapped[str] = mapped_column(sa.ForeignKey("pick_lists.order_no"), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    qty: Mapped[int] = mapped_column(sa.Integer)
    picked: Mapped[int] = mapped_column(sa.Integer, default=0)
    unit_weight_g: Mapped[int] = mapped_column(sa.Integer)
    bin: Mapped[str] = mapped_column(sa.String(32), nullable=True)   # its first bin on the pick route (PickBin)
    # Who scanned the line's last goods, and when: order_picked tells staff performance per line.
    picker: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    picked_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)


class WeightCheck(Base):
    """Every weighing of a parcel, and every supervisor override of one (audited)."""
    __tablename__ = "weight_checks"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), index=True)
    weight_g: Mapped[int] = mapped_column(sa.Integer)
    expected_min_g: Mapped[int] = mapped_column(sa.Integer)
    expected_max_g: Mapped[int] = mapped_column(sa.Integer)
    accepted: Mapped[bool] = mapped_column(sa.Boolean)
    by: Mapped[str] = mapped_column(sa.String(64))
    station_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    override_reason: Mapped[str] = mapped_column(sa.String(500), nullable=True)
    at: Mapped[object] = mapped_column(UtcDateTime)


class WarehouseTask(Base):
    """Work the floor must do: put picked goods of a cancelled order back, or repack a return."""
    __tablename__ = "warehouse_tasks"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)      # put_away, repack
    status: Mapped[str] = mapped_column(sa.String(20), index=True)    # open, done, called_off (handed_over.py)
    order_no: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    qty: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    done_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    done_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)


class DefectiveGoods(Base):
    """Returned goods that are not resellable: recorded, never restocked (破损退件)."""
    __tablename__ = "defective_goods"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)   # None: a parcel returned to sender
    order_no: Mapped[str] = mapped_column(sa.String(64))
    sku: Mapped[str] = mapped_column(sa.String(64))
    qty: Mapped[int] = mapped_column(sa.Integer)
    condition: Mapped[str] = mapped_column(sa.String(20))
    received_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[object] = mapped_column(UtcDateTime)


class ParcelReturn(Base):
    """退件: a parcel the carrier brought back (returned to sender: refused, unreachable, intercepted),
    received at the warehouse and inspected line by line (parcel_returns.py)."""
    __tablename__ = "parcel_returns"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(64))
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    returned_at: Mapped[object] = mapped_column(UtcDateTime)   # when the carrier said it was back
    status: Mapped[str] = mapped_column(sa.String(20), index=True)   # awaiting_inspection | inspected
    inspected_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    inspected_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    remarks: Mapped[str] = mapped_column(sa.String(1000), default="")

    lines: Mapped[list["ParcelReturnLine"]] = relationship(order_by="ParcelReturnLine.sku", lazy="selectin")


class ParcelReturnLine(Base):
    """What the parcel held (its pick list) and what the inspection found: restocked or damaged."""
    __tablename__ = "parcel_return_lines"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)

    order_no: Mapped[str] = mapped_column(sa.ForeignKey("parcel_returns.order_no"), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    qty: Mapped[int] = mapped_column(sa.Integer)
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=True)   # restock | damaged (破损)


class Wave(Base):
    """波次: pick lists of one warehouse picked in one walk along a route sorted by bin (waves.py)."""
    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    warehouse: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)   # open | picked | cancelled
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    courier: Mapped[str] = mapped_column(sa.String(20), nullable=True)   # the selection: a courier's orders …
    zone: Mapped[str] = mapped_column(sa.String(32), nullable=True)      # … and/or a bin-location prefix
    size: Mapped[int] = mapped_column(sa.Integer)                        # at most this many orders were asked for
    cancelled_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)   # a supervisor called it off …
    cancelled_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    cancel_reason: Mapped[str] = mapped_column(sa.String(150), nullable=True)  # … and why


class WaveOrder(Base):
    """A pick list in a wave and its put-wall slot (1..N, oldest approval first). A pick list is in one wave
    at most: the unique order_no keeps two waves from taking it."""
    __tablename__ = "wave_orders"
    __table_args__ = (sa.UniqueConstraint("wave_id", "slot", name="wave_slot_once"),)

    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("waves.id"), primary_key=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True, unique=True)
    slot: Mapped[int] = mapped_column(sa.Integer)


class MergeCandidate(Base):
    """What merging (合单, issue #23; merging.py) needs of an approved order that the pick list does not keep:
    the buyer, the normalised address and phone (shared/addresses.py), how it is paid, when it was placed."""
    __tablename__ = "merge_candidates"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    address_key: Mapped[str] = mapped_column(sa.String(600))
    phone_key: Mapped[str] = mapped_column(sa.String(40))
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
    # Who split the order's group by hand (拆开合单): it is no longer offered, nor merged automatically.
    kept_apart_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)


class MergeGroup(Base):
    """Orders packed as one parcel: merged → packed, or dissolved (a member cancelled, its goods or address
    changed). Its members stay listed after it is dissolved (the history)."""
    __tablename__ = "merge_groups"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)   # merged | packed | dissolved
    merged_by: Mapped[str] = mapped_column(sa.String(64))            # staff_id, or 'auto'
    merged_at: Mapped[object] = mapped_column(UtcDateTime)
    dissolved_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    dissolved_reason: Mapped[str] = mapped_column(sa.String(200), nullable=True)


class MergeMember(Base):
    """An order of a merge group; an order is in at most one group that is not dissolved (merging.py)."""
    __tablename__ = "merge_members"

    group_id: Mapped[int] = mapped_column(sa.ForeignKey("merge_groups.id"), primary_key=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)
