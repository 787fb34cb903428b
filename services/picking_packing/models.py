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
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)   # received, count, shipped, repacked
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
