"""Use cases of picking & packing, on a unit of work (no nameko here)."""
from services.picking_packing.models import PickList
from shared.timeutil import utcnow

PACKAGING_ALLOWANCE_G = 50


def open_pick_list(uow, approved):
    """Walking skeleton: an approved order becomes a pick list (stock and scans are issue #4)."""
    lines = [{"sku": l["sku"], "name": l["name"], "qty": l["qty"], "unit_weight_g": l["unit_weight_g"]}
             for l in approved["lines"]]
    weight = sum(l["qty"] * l["unit_weight_g"] for l in lines) + PACKAGING_ALLOWANCE_G
    pick_list = PickList(order_no=approved["order_no"], status="open", lines=lines,
                         expected_weight_g=weight, created_at=utcnow())
    uow.session.add(pick_list)
    return pick_list
