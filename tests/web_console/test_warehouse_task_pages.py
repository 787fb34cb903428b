"""In the browser, warehouse tasks (仓库任务): a resellable return's repack is done into the bin chosen (an unknown
bin refused in words, nothing done), and the goods not resellable are listed; in Chinese, and in English too."""
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import unique
from tests.web_console.test_floor_pages import api
from tests.web_console.test_warehouse_bins import choose


def returned(amqp_uri, sku, case_id, condition, qty):
    publish_event(amqp_uri, "after_sales", "return_received", {
        "order_no": unique("SO"), "case_id": case_id, "condition": condition, "accessories_complete": True,
        "received_by": "SH-1", "lines": [{"sku": sku, "qty": qty}]})


def test_a_repack_is_done_into_the_bin_chosen(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    assert api(picking, "PUT", "/warehouses/WR", "warehouse", json={"name": "退货仓", "rank": 1}).status_code == 200
    assert api(picking, "POST", "/warehouses/WR/bins", "warehouse", json={"code": "R-01-01"}).status_code == 201
    sku = unique("SKU")
    returned(rabbit_config["AMQP_URI"], sku, 31, "resellable", 2)
    returned(rabbit_config["AMQP_URI"], sku, 32, "damaged", 1)
    [task] = wait_for(lambda: api(picking, "GET", "/tasks", "warehouse").json()["tasks"], message="no repack task")
    wait_for(lambda: api(picking, "GET", "/defective-goods", "warehouse").json()["defective"], message="no defect")
    browser.base = start_console(picking)
    browser.sign_in("W-1", "warehouse")
    browser.open("/warehouse-tasks")
    row = browser.text(f"task-{task['id']}")
    assert "重新包装入库" in row and sku in row and "31" in row
    assert "已损坏" in browser.text("defective") and "32" in browser.text("defective")

    choose(browser, f"task-warehouse-{task['id']}", "WR")
    browser.type(f"task-bin-{task['id']}", "R-09-09")
    browser.submit(f"task-done-{task['id']}")
    assert "没有此库位：WR R-09-09" in browser.text("error")
    assert "重新包装入库" in browser.text(f"task-{task['id']}")   # still to do
    choose(browser, f"task-warehouse-{task['id']}", "WR")
    browser.type(f"task-bin-{task['id']}", "R-01-01")
    browser.submit(f"task-done-{task['id']}")
    assert "任务已完成" in browser.text("ok")
    assert "W-1" in browser.text(f"done-{task['id']}") and "没有待处理" in browser.text("no-open-tasks")
    bins = api(picking, "GET", "/stock/bins", "warehouse", params={"warehouse": "WR", "sku": sku}).json()["bins"]
    assert [(b["bin"], b["on_hand"]) for b in bins] == [("R-01-01", 2)]
    browser.screenshot("warehouse_tasks")

    browser.open("/lang/en")
    browser.open("/warehouse-tasks")
    assert "Repack and restock" in browser.text(f"done-{task['id']}") and "Damaged" in browser.text("defective")
