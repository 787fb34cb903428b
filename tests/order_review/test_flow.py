"""An auto-approvable order reaches the picking & packing service with no person involved
(business-rules §1: 审单 → 配货; issue #3 "Done when")."""
import sqlalchemy as sa

from services.picking_packing.models import PickList
from shared.testing.polling import wait_for
from tests.order_review.conftest import storefront_order


def test_an_auto_approvable_order_reaches_picking_and_packing(reviewing, start_service):
    review = reviewing()
    warehouse = start_service("picking_packing")
    order_no = review.place(storefront_order())

    def pick_list():
        with warehouse.db.read() as session:
            return session.scalar(sa.select(PickList).where(PickList.order_no == order_no))

    assert wait_for(pick_list).order_no == order_no
    assert [e["reviewer"] for e in review.events("order_approved", order_no)] == ["auto"]
