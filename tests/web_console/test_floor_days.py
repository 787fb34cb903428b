"""In the browser, the warehouse floor's days (issue 19): a packer works from the list of orders ready to pack
through items and weight to the label shown; a shipper hands parcels to the courier at the hand-over station,
counted per carrier, a refused scan in large red with a sound, and prints the carrier's sheet; a warehouse
keeper receives goods, counts stock and sets a warning level, with the goods' names beside the SKUs."""
import re
import uuid

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from services.web_console.formatting import local
from shared.testing.polling import wait_for
from tests.order_review.conftest import CHEAP_GOODS, storefront_order
from tests.web_console.test_floor_pages import WAYBILL_RANGES, api, pick_list

RED = "rgba(198, 40, 40, 1)"   # --red in console.css
UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\d\dZ\b")
NOT_IN_STOCK = [{"sku": "SKU-777", "name": "台灯", "qty": 1, "unit_price": "39.00", "unit_weight_g": 800}]


@pytest.fixture
def floor(start_service):
    return start_service("order_review"), start_service("picking_packing"), start_service("shipping_labels")


def beeps(browser):
    return int(browser.driver.execute_script("return document.body.dataset.beeps || '0'"))


def page_wide_scan(browser, code):
    """A scan while the focus is on no input (the packer clicked elsewhere): the page still takes it."""
    panel = browser.find("station")
    browser.driver.find_element(By.TAG_NAME, "h1").click()
    assert browser.focused_id() != "scan"
    ActionChains(browser.driver).send_keys(code + Keys.ENTER).perform()
    browser.wait_gone(panel, 10)


def assert_red_alarm(browser, element_id, heard_before):
    assert browser.find(element_id).value_of_css_property("background-color") == RED
    assert beeps(browser) > heard_before


def test_a_packers_day_and_a_shippers_day(floor, publish_order, start_console, browser):
    review, picking, shipping = floor
    for carrier, first, last in WAYBILL_RANGES:
        assert api(shipping, "POST", "/waybill-ranges", "warehouse",
                   json={"carrier": carrier, "first_number": first, "last_number": last}).status_code == 201
    assert api(picking, "POST", "/stock/receipts", "warehouse",
               json={"lines": [{"sku": line["sku"], "qty": 10} for line in CHEAP_GOODS]}).status_code == 201
    order_no = publish_order(event=storefront_order())["order"]["order_no"]
    waiting = publish_order(event=storefront_order(lines=NOT_IN_STOCK))["order"]["order_no"]
    wait_for(lambda: (found := pick_list(picking, order_no)) and found["status"] == "ready",
             message="the pick list never became ready")
    wait_for(lambda: (found := pick_list(picking, waiting)) and found["status"] == "waiting_stock",
             message="the order short of stock never waited")
    browser.base = start_console(review, picking, shipping)

    # -- the packer: ready list -> order -> items -> weight -> label shown
    browser.sign_in("P-2", "packer")
    browser.open("/packing")
    ready = browser.wait_text("ready-orders", order_no)
    assert "保温杯 ×2" in ready and waiting not in ready
    browser.screenshot("floor_packer_ready_list")
    browser.click(f"ready-{order_no}")
    assert "待配货" in browser.wait_text("pick-status", "待配货") and browser.focused_id() == "scan"

    browser.driver.execute_script(   # typing into any other input is not a scan
        "const other = document.createElement('input'); other.id = 'other'; document.querySelector('h1').after(other);")
    browser.type("other", "SKU-001", enter=True)
    assert browser.find("other").get_attribute("value") == "SKU-001" and not browser.driver.find_elements(
        By.ID, "scan-ok") and "0/2" in browser.text("remaining")
    browser.driver.execute_script("document.getElementById('other').remove();")
    heard = beeps(browser)
    page_wide_scan(browser, "SKU-404")
    assert "扫错商品：SKU-404 不在此订单上！" in browser.text("scan-error")
    assert "0/2" in browser.text("remaining")   # what was typed into the other input picked nothing
    assert_red_alarm(browser, "scan-error", heard)
    browser.screenshot("floor_packer_wrong_item")
    for barcode in ("SKU-001", "SKU-001", "SKU-006"):
        page_wide_scan(browser, barcode)
        assert barcode in browser.text("scan-ok")
    browser.scan("1500")
    assert "重量异常" in browser.text("scan-error") and "900–1000 g" in browser.text("scan-error")
    browser.scan("960")
    assert "已打包" in browser.text("pick-status")
    shown = browser.wait_text("label-ready", "已打开打印", timeout=20)
    tracking_no = api(shipping, "GET", f"/shipments/{order_no}", "shipper").json()["tracking_no"]
    carrier = api(shipping, "GET", f"/shipments/{order_no}", "shipper").json()["carrier"]
    assert tracking_no in shown and carrier in shown
    frame = browser.find("label-frame").get_attribute("src")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    label = requests.get(frame, cookies=cookies, timeout=10)
    assert label.content.startswith(b"%PDF") and "frame-ancestors 'self'" in label.headers["Content-Security-Policy"]
    assert browser.csp_violations() == []
    browser.screenshot("floor_packer_label")

    heard = beeps(browser)
    browser.scan(waiting)   # waiting for stock: said in red, and the next scan is an order number again
    assert "缺货" in browser.text("order-warning") and waiting in browser.text("order-warning")
    assert_red_alarm(browser, "order-warning", heard)
    assert "扫描订单号" in browser.text("station")
    browser.screenshot("floor_packer_waiting_stock")

    # -- the shipper: scan waybills, counts per carrier, a refused scan in red, the sheet printed
    browser.sign_in("SH-1", "shipper")
    browser.open("/")
    assert browser.driver.current_url.endswith("/handover")   # the shipper's home
    assert browser.text(f"count-{carrier}").split()[1] == "0"
    browser.scan(tracking_no)
    assert f"已交接 {tracking_no} · {order_no} · {carrier}" in browser.text("scan-ok")
    assert browser.text(f"count-{carrier}").split()[1] == "1"
    browser.screenshot("floor_shipper_handed_over")

    heard = beeps(browser)
    browser.scan(tracking_no)   # the same parcel again: refused, in Chinese, with the local time
    refused = browser.text("scan-error")
    assert f"{tracking_no} 已由 SH-1 于" in refused and "交接" in refused and not UTC_TIME.search(refused)
    assert_red_alarm(browser, "scan-error", heard)
    browser.screenshot("floor_shipper_refused")
    page_wide_scan(browser, "EE999999995CN")
    assert "不是本仓打出的面单" in browser.text("scan-error")
    assert browser.text(f"count-{carrier}").split()[1] == "1"
    browser.driver.set_window_size(390, 844)   # a phone at the dock
    browser.screenshot("floor_shipper_phone")
    browser.driver.set_window_size(1280, 900)
    browser.open("/lang/en")   # in English, the same refusal in English words
    browser.open("/handover")
    browser.scan(tracking_no)
    assert f"{tracking_no} was handed over by SH-1 at" in browser.text("scan-error")
    assert "Handed over today" in browser.text("station")
    browser.open("/lang/zh")

    sheet = browser.find(f"sheet-{carrier}").get_attribute("href")
    browser.driver.get(sheet)
    assert tracking_no in browser.text("sheet-parcels") and order_no in browser.text("sheet-parcels")
    assert browser.text("sheet-count") == "1" and "快递员签字" in browser.driver.page_source
    assert not UTC_TIME.search(browser.text("sheet-parcels"))
    browser.screenshot("floor_shipper_sheet")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    for day in ("2026-13-01", "2026-12-03?carrier=EMS"):
        bad = requests.get(browser.base + "/handover/sheet", params={"carrier": carrier, "day": day}, cookies=cookies,
                           timeout=10)
        assert bad.status_code == 400 and "日期" in bad.text   # the field, in the page's language

    # -- back at the packing station, the parcel that left is said to have left
    wait_for(lambda: pick_list(picking, order_no)["status"] == "handed_over", message="never handed over")
    browser.sign_in("P-2", "packer")
    browser.open(f"/packing?order_no={order_no}")
    assert "已交接给快递" in browser.text("order-warning")


def test_a_warehouse_keepers_day(start_service, publish_order, start_console, browser):
    review, picking = start_service("order_review"), start_service("picking_packing", STOCK_LEVELS_DEBOUNCE_SECONDS=0.3)
    browser.base = start_console(review, picking)
    browser.sign_in("W-1", "warehouse")
    browser.open("/stock")
    browser.type("receipt-reference", "DN-2026-118")
    for row, (sku, qty) in enumerate((("SKU-001", "12"), ("SKU-006", "4"))):
        browser.type(f"receipt-sku-{row}", sku)
        browser.type(f"receipt-qty-{row}", qty)
    browser.submit("receive")
    assert "已入库" in browser.text("ok")
    receipts = browser.text("receipts")
    assert "SKU-001" in receipts and "+12" in receipts and "DN-2026-118" in receipts and "W-1" in receipts
    assert not UTC_TIME.search(receipts)

    # goods orders have named show their names beside the SKU
    order_no = publish_order(event=storefront_order())["order"]["order_no"]
    wait_for(lambda: (found := pick_list(picking, order_no)) and found["status"] == "ready",
             message="the pick list never became ready")
    # what the storefront was last told it may sell (issue #23): 12 received, 2 reserved, in Beijing time
    told = wait_for(lambda: (lambda shown: shown if (shown["storefront"] or {}).get("available") == 10 else None)(
        api(picking, "GET", "/stock/SKU-001", "warehouse").json()), message="the storefront was never told")
    browser.open("/stock")
    assert "保温杯" in browser.text("stock-SKU-001") and "数据线" in browser.text("stock-SKU-006")
    assert f"10（{local(told['storefront']['sent_at'])}）" in browser.text("stock-SKU-001")
    browser.screenshot("floor_warehouse_receipt")

    browser.type("count-sku", "SKU-001")   # 12 on hand, 2 reserved: a count of 1 is refused
    browser.type("count-counted", "1")
    browser.type("count-reason", "月度盘点")
    browser.submit("post-count")
    assert "实盘数量少于已占用数量" in browser.text("error")
    browser.type("count-sku", "SKU-001")
    browser.type("count-counted", "10")
    browser.type("count-reason", "月度盘点：两个破损")
    browser.submit("post-count")
    assert "盘点已提交" in browser.text("ok")
    adjustments = browser.text("adjustments")
    assert "-2" in adjustments and "月度盘点：两个破损" in adjustments and "保温杯" in adjustments

    browser.type("threshold-sku", "SKU-006")   # 4 on hand, 1 reserved: under a level of 5
    browser.type("threshold-value", "5")
    browser.submit("save-threshold")
    assert "预警线已保存" in browser.text("ok")
    assert "SKU-006 数据线：可用 3，低于预警线 5" in browser.text("low-stock")
    browser.type("threshold-sku", "SKU-006")
    browser.type("threshold-value", "-1")
    browser.submit("save-threshold")
    assert "threshold" in browser.text("error")   # refused, naming the field
    browser.screenshot("floor_warehouse_count_threshold")

    browser.open("/pick-lists?status=ready")   # the pick lists name the goods and refresh themselves
    assert "保温杯" in browser.text("pick-lists") and "配货" in browser.text("pick-lists")
    later = publish_order(event=storefront_order())["order"]["order_no"]
    assert later in browser.wait_text("pick-lists", later, timeout=30)   # no reload: the page asked again
    assert "待配货 (2)" in browser.text("pick-lists-live")

    # a packed parcel whose label can't be fetched (shipping labels is down here): said, in red, at the station
    scans = [{"type": "pick", "barcode": line["sku"]} for line in CHEAP_GOODS for _ in range(line["qty"])]
    for scan in scans + [{"type": "pack", "weight_g": 950}]:
        answer = api(picking, "POST", "/scans", "packer", json={"scan_id": uuid.uuid4().hex, "station_id": "ST-9",
                                                                "order_no": order_no, **scan})
        assert answer.status_code == 200, answer.text
    browser.sign_in("P-3", "packer")
    browser.open(f"/packing?order_no={order_no}")
    assert "服务暂时无法连接" in browser.wait_text("label-problem", "服务暂时无法连接")
