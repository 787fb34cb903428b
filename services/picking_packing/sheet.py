"""A pick list (配货单) as every use case sees it: the order's lines to pick, where it stands, who picked,
packed and weighed it. `storage.pick_lists` maps the pick_lists and pick_lines rows onto it and writes it
back; a scan is the floor's busiest request, so a sheet is read in one locked statement, with no ORM
identity map, lazy loads or flush on the way."""
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Line:
    sku: str
    name: str
    qty: int
    picked: int
    picker: Optional[str] = None
    picked_at: object = None
    bin: Optional[str] = None       # its first bin on the pick route (None while the list waits)


@dataclass
class Sheet:
    """One pick list and its lines (locked until commit when read to change it)."""
    order_no: str
    status: str
    expected_weight_g: int
    weight_g: Optional[int] = None
    picker: Optional[str] = None
    packer: Optional[str] = None
    station_id: Optional[str] = None
    tracking_no: Optional[str] = None
    warehouse: Optional[str] = None   # serving it (None while it waits)
    province: Optional[str] = None
    lines: list = field(default_factory=list)

    def line(self, sku):
        return next((line for line in self.lines if line.sku == sku), None)
