"""In the browser, a supervisor merges orders (合单, issue #23): the offer of one buyer's orders to one address,
merged with its button into one parcel and listed as a group; a merge refused because an order was merged
meanwhile reads as a sentence naming the order; in Chinese, and the words in English too."""
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import ADDRESS, approved, line, unique
from tests.web_console.english import english_in
from tests.web_console.test_floor_pages import api, pick_list


def ready_orders(picking, amqp_uri, customer, count, sku):
    order_nos = []
    for index in range(count):
        event = approved(line(sku))
        event.update(customer_id=customer, shipping_address=dict(ADDRESS, line1="中山北路 1 号" if index else "中山北路1号"))
        publish_event(amqp_uri, "order_review", "order_approved", event)
        order_nos.append(event["order_no"])
    for order_no in order_nos:
        wait_for(lambda: (pick_list(picking, order_no) or {}).get("status") == "ready", message=f"{order_no} not ready")
    return order_nos


def test_a_supervisor_merges_a_buyers_orders_into_one_parcel(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    sku = unique("SKU")
    assert api(picking, "POST", "/stock/receipts", "warehouse", json={"lines": [{"sku": sku, "qty": 10}]}).ok
    first, second = ready_orders(picking, rabbit_config["AMQP_URI"], unique("C"), 2, sku)
    browser.base = start_console(picking)
    browser.sign_in("SUP-7", "supervisor")
    browser.open("/merges")
    assert "60 分钟" in browser.text("merge-rule") and english_in(browser.text("merge-rule")) == []
    offer = browser.text(f"offer-{first}")
    assert first in offer and second in offer
    browser.submit(f"merge-{first}-submit")
    assert "已合单" in browser.text("ok")
    groups = browser.text("merge-groups")
    assert first in groups and second in groups and "SUP-7" in groups and "已合单" in groups
    assert "没有可合并" in browser.text("no-offers")

    # At the packing station the packer is told the orders go in one parcel, and the parcel's weight window.
    browser.sign_in("PK-1", "packer")
    browser.open("/packing")
    browser.scan(first)
    assert second in browser.text("merged-with") and "合单" in browser.text("merged-with")
    assert "800–900 g" in browser.text("weight-range")
    browser.sign_in("SUP-7", "supervisor")

    # Two more, merged through the API while the page is open: the button is refused, in words.
    third, fourth = ready_orders(picking, rabbit_config["AMQP_URI"], unique("C"), 2, sku)
    browser.open("/merges")
    browser.find(f"offer-{third}")
    assert api(picking, "POST", "/merges", "manager", json={"order_nos": [third, fourth]}).status_code == 201
    browser.submit(f"merge-{third}-submit")
    assert f"订单 {third} 已经合过单了" in browser.text("error")   # the first order the form names
    browser.screenshot("merges")

    browser.open("/lang/en")
    browser.open("/merges")
    assert "Merged" in browser.text("merge-groups") and "60 minutes" in browser.text("merge-rule")


def test_a_supervisor_splits_a_merged_group_with_a_reason(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    sku = unique("SKU")
    assert api(picking, "POST", "/stock/receipts", "warehouse", json={"lines": [{"sku": sku, "qty": 10}]}).ok
    first, second = ready_orders(picking, rabbit_config["AMQP_URI"], unique("C"), 2, sku)
    merged = api(picking, "POST", "/merges", "manager", json={"order_nos": [first, second]})
    assert merged.status_code == 201, merged.text
    group_id = merged.json()["id"]
    browser.base = start_console(picking)
    browser.sign_in("SUP-7", "supervisor")
    browser.open("/merges")
    browser.type(f"unmerge-reason-{group_id}", "买家要求分开发货")
    browser.submit(f"unmerge-{group_id}")
    assert "已拆开" in browser.text("ok")
    _, row = browser.row(f"#group-{group_id}")
    assert "已拆开" in row and "SUP-7 手动拆开：买家要求分开发货" in row
    assert f"unmerge-{group_id}" not in browser.values("#merge-groups button")
    assert "没有可合并" in browser.text("no-offers")   # kept apart: not offered again
    browser.screenshot("merges_split_by_hand")

    # Packed meanwhile (here: another group split through the API while the page is open): refused, in words.
    third, fourth = ready_orders(picking, rabbit_config["AMQP_URI"], unique("C"), 2, sku)
    other = api(picking, "POST", "/merges", "manager", json={"order_nos": [third, fourth]}).json()["id"]
    browser.open("/merges")
    browser.type(f"unmerge-reason-{other}", "搞错了")
    assert api(picking, "POST", f"/merges/{other}/unmerge", "manager", json={"reason": "另一位主管"}).ok
    browser.submit(f"unmerge-{other}")
    assert f"合单组 {other} 已打包或已拆开" in browser.text("error")

    browser.open("/lang/en")
    browser.open("/merges")
    assert "split by SUP-7: 买家要求分开发货" in browser.row(f"#group-{group_id}")[1]


def test_an_order_joins_a_merged_group_from_its_offer(start_service, start_console, browser, rabbit_config):
    picking = start_service("picking_packing")
    sku, customer = unique("SKU"), unique("C")
    assert api(picking, "POST", "/stock/receipts", "warehouse", json={"lines": [{"sku": sku, "qty": 10}]}).ok
    first, second = ready_orders(picking, rabbit_config["AMQP_URI"], customer, 2, sku)
    group_id = api(picking, "POST", "/merges", "manager", json={"order_nos": [first, second]}).json()["id"]
    [third] = ready_orders(picking, rabbit_config["AMQP_URI"], customer, 1, sku)
    browser.base = start_console(picking)
    browser.sign_in("SUP-7", "supervisor")
    browser.open("/merges")
    offer = browser.text(f"offer-{first}")
    assert f"可加入合单组 {group_id}" in offer and f"已在合单组 {group_id}" in offer and third in offer
    browser.submit(f"merge-{first}-submit")
    assert "已合单" in browser.text("ok")
    _, row = browser.row(f"#group-{group_id}")
    assert first in row and second in row and third in row
    assert "没有可合并" in browser.text("no-offers")
