"""In the browser, the warehouse keeper's warehouses and bins (issue #23): a new warehouse serving a province and
its bins, a receipt and a count into a named bin, a transfer between bins (refused beyond what is there, naming
it), stock by warehouse and bin; in Chinese, and the words in English too."""
from selenium.webdriver.support.ui import Select

from services.web_console.pages.warehouse import _provinces
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import ADDRESS, approved, line
from tests.web_console.test_floor_pages import api, pick_list


def choose(browser, element_id, value):
    Select(browser.find(element_id)).select_by_value(value)


def test_provinces_as_typed_become_ranks_and_anything_else_goes_to_the_service():
    assert _provinces("江苏省:1， 上海市:2, 浙江省") == {"江苏省": 1, "上海市": 2, "浙江省": 1}
    assert _provinces("江苏省:near") == {"江苏省": "near"}
    assert _provinces(" ") == {}


def test_a_warehouse_keeper_keeps_bins(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    browser.base = start_console(picking)
    browser.sign_in("W-1", "warehouse")
    browser.open("/stock/bins")
    browser.type("warehouse-code", "SH")
    browser.type("warehouse-name", "上海仓")
    browser.type("warehouse-provinces", "上海市:1, 江苏省:2")
    browser.submit("save-warehouse")
    assert "仓库已保存" in browser.text("ok")
    assert "上海市:1, 江苏省:2" in browser.text("warehouse-SH")
    for code in ("A-01-01", "B-02-03"):
        choose(browser, "bin-warehouse", "SH")
        browser.type("bin-code", code)
        browser.submit("add-bin")
        assert "库位已新增" in browser.text("ok")
    choose(browser, "bin-warehouse", "SH")
    browser.type("bin-code", "A-01-01")
    browser.submit("add-bin")
    assert "库位已存在：SH A-01-01" in browser.text("error")

    browser.open("/stock")
    choose(browser, "receipt-place", "SH|A-01-01")
    browser.type("receipt-sku-0", "SKU-001")
    browser.type("receipt-qty-0", "5")
    browser.submit("receive")
    assert "已入库" in browser.text("ok")
    assert "SH A-01-01" in browser.text("receipts")
    choose(browser, "count-place", "SH|A-01-01")
    browser.type("count-sku", "SKU-001")
    browser.type("count-counted", "4")
    browser.type("count-reason", "月度盘点：一个破损")
    browser.submit("post-count")
    assert "盘点已提交" in browser.text("ok")
    assert "SH A-01-01" in browser.text("adjustments")

    browser.open("/stock/bins")
    browser.type("transfer-sku", "SKU-001")
    browser.type("transfer-qty", "5")   # 4 are there
    choose(browser, "transfer-source", "SH|A-01-01")
    choose(browser, "transfer-target", "SH|B-02-03")
    browser.type("transfer-reason", "移库到拣货位")
    browser.submit("post-transfer")
    assert "SH A-01-01 只有 4 件可调，不能调 5 件" in browser.text("error")
    browser.type("transfer-sku", "SKU-001")
    browser.type("transfer-qty", "3")
    choose(browser, "transfer-source", "SH|A-01-01")
    choose(browser, "transfer-target", "SH|B-02-03")
    browser.type("transfer-reason", "移库到拣货位")
    browser.submit("post-transfer")
    assert "调拨已完成" in browser.text("ok")
    assert "调入 +3" in browser.text("transfers") and "调出 -3" in browser.text("transfers")
    browser.open("/stock/bins?warehouse=SH")
    assert browser.text("bin-SH-A-01-01-SKU-001").split()[-3:] == ["1", "0", "1"]
    assert browser.text("bin-SH-B-02-03-SKU-001").split()[-3:] == ["3", "0", "3"]
    browser.screenshot("stock_bins")
    stock = api(picking, "GET", "/stock/SKU-001", "warehouse").json()
    assert (stock["on_hand"], stock["available"]) == (4, 4)   # a transfer leaves the total as it was

    # an order to 上海市 is served from SH, from the bin holding it whole; the station shows warehouse and bin
    order = approved(line("SKU-001", 2))
    order["shipping_address"] = {**ADDRESS, "province": "上海市"}
    publish_event(rabbit_config["AMQP_URI"], "order_review", "order_approved", order)
    wait_for(lambda: (found := pick_list(picking, order["order_no"])) and found["status"] == "ready",
             message="the pick list never became ready")
    browser.open(f"/packing?order_no={order['order_no']}")
    assert "SH" in browser.text("pick-warehouse")
    assert "B-02-03" in browser.text("remaining")
    browser.open("/pick-lists?status=ready")
    assert "[B-02-03] SKU-001" in browser.text("pick-lists")


def test_a_warehouse_keeper_gives_up_an_empty_bin_then_its_warehouse(start_service, start_console, browser):
    picking = start_service("picking_packing")
    assert api(picking, "PUT", "/warehouses/GZ", "warehouse", json={"name": "广州仓", "provinces": {}}).status_code == 200
    for code in ("K-01", "K-02"):
        assert api(picking, "POST", "/warehouses/GZ/bins", "warehouse", json={"code": code}).status_code == 201
    browser.base = start_console(picking)
    browser.sign_in("W-1", "warehouse")
    browser.open("/stock/bins?warehouse=GZ")
    assert browser.values("#bins button") == ["remove-bin-GZ-K-01", "remove-bin-GZ-K-02"]
    browser.screenshot("stock_bins_give_up")
    assert "remove-warehouse-GZ" not in browser.values("#warehouses button")   # it has bins
    browser.open("/stock/bins")
    assert "remove-bin-MAIN-DEFAULT" not in browser.values("#bins button")   # the default bin is never offered
    assert "remove-warehouse-MAIN" not in browser.values("#warehouses button")
    # goods arrive in K-01 while the page is open: the service refuses, naming what is there
    receipt = api(picking, "POST", "/stock/receipts", "warehouse",
                  json={"warehouse": "GZ", "bin": "K-01", "lines": [{"sku": "SKU-001", "qty": 2}]})
    assert receipt.status_code == 201, receipt.text
    browser.submit("remove-bin-GZ-K-01")
    assert "库位 GZ K-01 仍有商品（SKU-001：在库 2，已占用 0）" in browser.text("error")
    browser.open("/stock/bins?warehouse=GZ")
    assert browser.values("#bins button") == ["remove-bin-GZ-K-02"]   # a bin holding goods offers none
    browser.submit("remove-bin-GZ-K-02")
    assert "库位已撤销" in browser.text("ok")
    moved = api(picking, "POST", "/stock/transfers", "warehouse", json={
        "sku": "SKU-001", "qty": 2, "reason": "仓库撤销", "source": {"warehouse": "GZ", "bin": "K-01"},
        "target": {"warehouse": "MAIN", "bin": "DEFAULT"}})
    assert moved.status_code == 201, moved.text
    browser.open("/stock/bins?warehouse=GZ")
    browser.submit("remove-bin-GZ-K-01")
    assert "库位已撤销" in browser.text("ok")
    browser.submit("remove-warehouse-GZ")
    assert "仓库已删除" in browser.text("ok")
    assert "warehouse-GZ" not in browser.values("#warehouses tr")
    assert [w["code"] for w in api(picking, "GET", "/warehouses", "warehouse").json()["warehouses"]] == ["MAIN"]
