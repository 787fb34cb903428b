"""Separation of duties on the packing floor (issue 17): whoever packed and weighed a parcel held
for its weight may not accept that weight themselves; a second person re-checks it (business
rules §3: a wrong weight means a wrong or missing item). Every weighing of the parcel counts,
not only the last, so a re-weigh by a colleague does not clear the first packer."""
from shared.errors import PermissionDenied


def check_weight_acceptor(weighers, order_no, staff_id):
    """PermissionDenied (packed_by_you) when `staff_id` is among those who weighed this parcel at a packing station."""
    if staff_id in weighers:
        raise PermissionDenied(f"{staff_id} packed {order_no}: another supervisor must accept its weight",
                               code="packed_by_you", order_no=order_no)
