"""In the browser (issue 18): a supervisor sees a refund waiting for its parcel, lets it through with a
reason, and later works the red recovery case the delivery opened; the care team calls the recipient of
a COD parcel that could not be delivered; the warehouse receives a returned parcel and inspects each
line, nothing chosen for them."""
from datetime import datetime, timezone

import pytest
import requests

from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.after_sales.conftest import Desk
from tests.customer_retention.conftest import order_event
from tests.picking_packing.conftest import Warehouse, line, unique


@pytest.fixture
def after_sales(start_service, rabbit_config, publish_order):
    return Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)


def test_a_waiting_refund_let_through_then_a_red_recovery_case_for_supervisors(after_sales, start_console, browser):
    order_no = after_sales.place()
    after_sales.ship(order_no)
    case_id = after_sales.open(order_no, amount="59.00")["id"]
    browser.base = start_console(after_sales.service)

    browser.sign_in("SUP-1", "supervisor")
    browser.open(f"/cases/{case_id}")
    browser.click("do-approve")
    assert "待拦截/退回" in browser.wait_text("case-status", "待拦截/退回")
    assert "快递扫描到拦截成功" in browser.text("waiting-secured")
    offered = set(browser.values("#actions button"))
    assert "do-refund" not in offered and "do-secure" in offered
    browser.screenshot("after_sales_waiting_for_the_parcel")

    browser.sign_in("SUP-2", "supervisor")
    browser.open(f"/cases/{case_id}")
    browser.type("secure-reason", "快递员确认包裹丢失")
    browser.click("do-secure")
    assert "已同意" in browser.wait_text("case-status", "已同意")
    assert "主管放行" in browser.text("secured") and "快递员确认包裹丢失" in browser.text("secured")
    browser.open(f"/cases/{case_id}")
    browser.click("do-refund")   # SUP-2 did not open the case either
    assert "待平台退款" in browser.wait_text("case-status", "待平台退款")
    after_sales.platform_answers(case_id, "refund_executed", amount="59.00")
    after_sales.wait_case(case_id, "refunded")
    browser.open(f"/cases/{case_id}")
    assert "已退款" in browser.wait_text("case-status", "已退款")

    publish_event(after_sales.amqp_uri, "shipping_labels", "parcel_delivered", {
        "order_no": order_no, "tracking_no": "EE123456785CN", "delivered_at": datetime.now(timezone.utc)})
    after_sales.wait_order(order_no, "delivered")
    browser.open("/cases?case_type=recovery")
    recovery = wait_for(lambda: after_sales.call("GET", "/cases", params={"case_type": "recovery"}).json()["cases"])
    colour, row = browser.row(f"#case-rows tr[data-case='{recovery[0]['id']}']")
    assert colour == "sla-red" and "追回" in row and "主管队列" in row and order_no in row
    browser.screenshot("after_sales_recovery_queue")
    browser.open(f"/cases/{recovery[0]['id']}")
    assert "¥59.00" in browser.text("recovery-note")
    browser.driver.find_element("css selector", "#form-close input[name=note]").send_keys("买家已退回货款")
    browser.click("do-close")
    assert "已关闭" in browser.wait_text("case-status", "已关闭")


def test_the_care_team_calls_the_recipient_of_a_cod_parcel_not_delivered(start_service, start_console, browser,
                                                                         publish_order, rabbit_config):
    retention = start_service("customer_retention")
    order = publish_order(event=order_event(method="cod"))["order"]
    headers = retention.headers("care", "CARE-1")

    def queue():
        return requests.get(retention.url("/care-tasks"), params={"view": "queue"}, headers=headers,
                            timeout=10).json()["tasks"]
    wait_for(lambda: requests.get(retention.url("/customers/record"), headers=headers, timeout=10, params={
        "customer_key": "id:" + order["customer"]["customer_id"]}).json().get("orders"))
    publish_event(rabbit_config["AMQP_URI"], "shipping_labels", "parcel_delivery_failed", {
        "order_no": order["order_no"], "tracking_no": "EE123456785CN", "reason": "电话无人接听"})
    task, = wait_for(queue, message="no call task for the failed COD delivery")
    browser.base = start_console(retention)

    browser.sign_in("CARE-1", "care")
    browser.open("/care-tasks")
    shown = browser.text("records")
    assert "主动联系收件人（货到付款派送失败）" in shown and order["shipping_address"]["phone"] in shown
    colour, _ = browser.row("#records tr[class^='sla-']")
    assert colour == "sla-green"
    browser.screenshot("care_cod_delivery_call")
    browser.driver.find_element("css selector", f"#outcome-{task['id']} option[value=reached]").click()
    browser.type(f"notes-{task['id']}", "已联系，明天再派")
    browser.click(f"complete-{task['id']}")
    browser.wait_text("ok", "任务已完成")
    assert queue() == []


def test_the_warehouse_receives_a_returned_parcel_and_decides_each_line(start_service, start_console, browser,
                                                                        rabbit_config):
    wh = Warehouse(start_service("picking_packing"), rabbit_config["AMQP_URI"])
    cup, cable = unique("SKU"), unique("SKU")
    wh.receive((cup, 5), (cable, 5))
    order_no = wh.approve(line(cup, qty=2), line(cable, name="数据线"))
    wh.pick_list(order_no, "ready")
    wh.handled(wh.publish("shipping_labels", "parcel_returned_to_sender", {
        "order_no": order_no, "tracking_no": "EE123456785CN", "payment_method": "cod",
        "cod_amount_not_collected": "118.00"}))
    browser.base = start_console(wh.service)

    browser.sign_in("W-3", "warehouse")
    browser.open("/parcel-returns")
    browser.find(f"inspect-{order_no}")
    chosen = browser.values(f"#inspect-{order_no} input[type=radio]", "checked")
    assert chosen == [False] * 4                                                      # nothing pre-chosen
    browser.screenshot("warehouse_parcel_return")
    first, second = sorted([cup, cable])
    browser.click(f"outcome-{order_no}-0-restock")
    browser.click(f"outcome-{order_no}-1-damaged")
    browser.type(f"remarks-{order_no}", "外箱压坏")
    browser.click(f"inspect-submit-{order_no}")
    browser.wait_text("ok", "退件已签收验货")
    assert "W-3" in browser.text("inspected") and "破损退件" in browser.text("inspected")
    receipt = wh.http("GET", f"/parcel-returns/{order_no}").json()
    assert {l["sku"]: l["outcome"] for l in receipt["lines"]} == {first: "restock", second: "damaged"}
    assert receipt["inspected_by"] == "W-3"
