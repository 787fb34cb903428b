"""In the browser, bounded first come, first served (issue #23): the supervisor's waiting pick lists say how often
a later order overtook each one ("已被后单插队 N 次"), in Chinese, and in English too."""
from services.web_console import texts
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import approved, earlier, line
from tests.web_console.test_floor_pages import api, pick_list


def test_the_words_in_both_languages():
    assert texts.translate("zh", "floor.overtaken", count=2) == "已被后单插队 2 次"
    assert texts.translate("en", "floor.overtaken", count=2) == "overtaken 2 times"


def test_a_supervisor_sees_how_often_a_waiting_order_was_overtaken(start_service, start_console, browser,
                                                                     rabbit_config):
    picking = start_service("picking_packing", FIFO_OVERTAKE_LIMIT=3)
    assert api(picking, "POST", "/stock/receipts", "warehouse", json={"lines": [{"sku": "SKU-OT", "qty": 1}]}).ok
    large, small = approved(line("SKU-OT", 3), approved_at=earlier(10)), approved(line("SKU-OT", 1))
    publish_event(rabbit_config["AMQP_URI"], "order_review", "order_approved", large)
    wait_for(lambda: pick_list(picking, large["order_no"]), message="no pick list for the large order")
    publish_event(rabbit_config["AMQP_URI"], "order_review", "order_approved", small)
    wait_for(lambda: (found := pick_list(picking, small["order_no"])) and found["status"] == "ready",
             message="the small order did not overtake the large one")

    browser.base = start_console(picking)
    browser.sign_in("S-1", "supervisor")
    browser.open("/pick-lists?status=waiting_stock")
    assert "已被后单插队 1 次" in browser.text(f"overtaken-{large['order_no']}")
    browser.screenshot("pick_lists_overtaken")
