"""In the browser, wave picking (波次, issue #23): a supervisor makes a wave (refused beyond 50 orders, naming the
bounds), opens its pick route sorted by bin with the put-wall split, a picker scans along it (one more than the wave
needs refused, exactly what is left counted), and the packing station shows an order's
put-wall slot; in Chinese, and in English too. Every wave code has its words in both languages."""
from services.picking_packing import waves
from services.web_console import texts
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import approved, earlier, line
from tests.web_console.test_floor_pages import api, pick_list
from tests.web_console.test_warehouse_bins import choose

WAVE_CODES = ("wave_size_out_of_range", "nothing_to_wave", "unknown_wave", "wave_over_pick", "not_in_wave",
              "wave_not_open", "wave_cancelled")


def test_every_wave_code_and_status_has_chinese_and_english_words():
    statuses = (waves.OPEN, waves.PICKED, waves.CANCELLED)
    keys = [f"error.{code}" for code in WAVE_CODES] + [f"wave.status.{s}" for s in statuses]
    assert [key for key in keys if key not in texts.TEXTS] == []
    assert texts.translate("zh", "error.wave_size_out_of_range", min=1, max=50, size=51) == (
        "波次订单数须在 1 到 50 之间，不能是 51！")
    assert texts.translate("en", "error.wave_over_pick", sku="SKU-1", left=1, quantity=2) == (
        "More than the wave needs: 1 of SKU-1 left, scanned 2!")


def stocked_floor(picking):
    assert api(picking, "PUT", "/warehouses/WV", "warehouse", json={"name": "波次仓", "rank": 1}).status_code == 200
    for code in ("A-01-01", "C-03-02"):
        assert api(picking, "POST", "/warehouses/WV/bins", "warehouse", json={"code": code}).status_code == 201
    for code, sku in (("C-03-02", "SKU-CUP"), ("A-01-01", "SKU-POT")):
        received = api(picking, "POST", "/stock/receipts", "warehouse",
                       json={"warehouse": "WV", "bin": code, "lines": [{"sku": sku, "qty": 10}]})
        assert received.status_code == 201, received.text


def test_a_supervisor_makes_a_wave_and_prints_its_route_by_bin(start_service, start_console, browser,
                                                               rabbit_config):
    picking = start_service("picking_packing")
    stocked_floor(picking)
    orders = []
    for minutes, lines in ((30, [line("SKU-CUP", 2), line("SKU-POT")]), (20, [line("SKU-CUP")])):
        order = approved(*lines, approved_at=earlier(minutes))
        publish_event(rabbit_config["AMQP_URI"], "order_review", "order_approved", order)
        orders.append(order["order_no"])
    for order_no in orders:
        wait_for(lambda: (found := pick_list(picking, order_no)) and found["status"] == "ready",
                 message="the pick list never became ready")
    browser.base = start_console(picking)
    browser.sign_in("S-1", "supervisor")
    browser.open("/waves")
    browser.type("wave-size", "51")
    browser.submit("make-wave")
    assert "波次订单数须在 1 到 50 之间，不能是 51" in browser.text("error")
    browser.type("wave-size", "50")
    choose(browser, "wave-warehouse", "WV")
    browser.submit("make-wave")
    assert "波次已生成" in browser.text("ok")
    route = browser.text("route")   # by bin: A-01-01 first, then C-03-02 split over slots 1 and 2
    assert route.index("A-01-01") < route.index("C-03-02")
    assert "1 号格 ×2 · 2 号格 ×1" in browser.text("stop-C-03-02-SKU-CUP")
    assert orders[0] in browser.text("slot-1") and orders[1] in browser.text("slot-2")
    browser.screenshot("wave_route")
    browser.open("/waves")
    assert "拣货中" in browser.text("waves") and "2 / 50" in browser.text("waves")
    browser.type("wave-size", "5")
    browser.submit("make-wave")
    assert "没有符合条件" in browser.text("error")
    browser.open("/lang/en")
    browser.open("/waves")
    browser.click(browser.values("#waves a")[0])
    assert "slot 1 ×2 · slot 2 ×1" in browser.text("stop-C-03-02-SKU-CUP")
    assert "Pick route (by bin)" in browser.driver.page_source
    browser.open("/lang/zh")

    browser.sign_in("P-1", "picker")   # the picker walks the route and scans what he takes
    browser.open("/waves")
    browser.click(browser.values("#waves a")[0])
    browser.type("wave-sku", "SKU-CUP")
    browser.type("wave-qty", "4")      # the wave needs 3: one more is refused, nothing counted
    browser.submit("wave-scan")
    assert "数量超出波次所需：SKU-CUP 只剩 3 件，扫了 4 件" in browser.text("error")
    browser.type("wave-sku", "SKU-CUP")
    browser.type("wave-qty", "3")      # exactly what is left
    browser.submit("wave-scan")
    assert "已计入波次" in browser.text("ok")
    assert "3/3" in browser.text("wave-progress") and "0/1" in browser.text("wave-progress")
    browser.type("wave-sku", "SKU-NONE")
    browser.submit("wave-scan")
    assert "SKU-NONE 不在此波次中" in browser.text("error")

    browser.sign_in("K-1", "packer")   # at packing, the order's put-wall slot
    browser.open(f"/packing?order_no={orders[1]}")
    assert "播种墙 2 号格" in browser.text("put-wall-slot")


def test_a_supervisor_calls_a_wave_off_and_a_picker_cannot(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    stocked_floor(picking)
    order = approved(line("SKU-CUP", 2), approved_at=earlier(10))
    publish_event(rabbit_config["AMQP_URI"], "order_review", "order_approved", order)
    wait_for(lambda: (found := pick_list(picking, order["order_no"])) and found["status"] == "ready",
             message="the pick list never became ready")
    wave_id = api(picking, "POST", "/waves", "supervisor", json={"size": 5, "warehouse": "WV"}).json()["id"]
    scanned = api(picking, "POST", f"/waves/{wave_id}/scans", "picker",
                  json={"scan_id": "c0ffee00-0000-4000-8000-000000000001", "sku": "SKU-CUP", "quantity": 1})
    assert scanned.status_code == 200, scanned.text
    browser.base = start_console(picking)
    browser.sign_in("P-1", "picker")
    browser.open(f"/waves/{wave_id}")
    assert "wave-cancel" not in browser.values("button")   # a picker scans; a supervisor calls a wave off

    browser.sign_in("S-1", "supervisor")
    browser.open(f"/waves/{wave_id}")
    browser.type("wave-cancel-reason", "拣货员临时调去收货")
    browser.submit("wave-cancel")
    assert "波次已取消" in browser.text("ok")
    assert "已取消" in browser.text("wave-status")
    assert "S-1" in browser.text("wave-cancelled") and "拣货员临时调去收货" in browser.text("wave-cancelled")
    assert order["order_no"] in browser.text("slot-1")   # one unit picked: the order keeps its slot
    assert "wave-scan" not in browser.values("button")
    browser.screenshot("wave_called_off")
    browser.open("/lang/en")
    browser.open(f"/waves/{wave_id}")
    assert "Called off" in browser.text("wave-status") and "pick the rest order by order" in browser.text(
        "wave-cancelled")
