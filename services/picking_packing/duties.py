"""Separation of duties on the packing floor (issue 17): whoever packed and weighed a parcel held
for its weight may not accept that weight themselves; a second person re-checks it (business
rules §3: a wrong weight means a wrong or missing item). Every weighing of the parcel counts,
not only the last, so a re-weigh by a colleague does not clear the first packer."""
import sqlalchemy as sa

from services.picking_packing.models import WeightCheck
from shared.errors import PermissionDenied

_WEIGHERS = (sa.select(WeightCheck.by).distinct()
             .where(WeightCheck.order_no == sa.bindparam("b_order_no"), WeightCheck.override_reason.is_(None)))


def check_weight_acceptor(connection, order_no, staff_id):
    """403 packed_by_you when `staff_id` weighed this parcel at a packing station."""
    if staff_id in connection.execute(_WEIGHERS, {"b_order_no": order_no}).scalars().all():
        raise PermissionDenied(f"{staff_id} packed {order_no}: another supervisor must accept its weight",
                               code="packed_by_you", order_no=order_no)
