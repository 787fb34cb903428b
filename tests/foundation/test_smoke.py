from sqlalchemy import select

from services.order_review.models import ReviewOrder
from shared.testing.polling import wait_for


def test_order_review_records_a_storefront_order(start_service, publish_order):
    service = start_service("order_review")
    event = publish_order()
    order_no = event["order"]["order_no"]

    def recorded():
        with service.db.read() as session:
            return session.scalar(select(ReviewOrder).where(ReviewOrder.order_no == order_no))

    record = wait_for(recorded)
    assert record.customer_id == event["order"]["customer"]["customer_id"]
