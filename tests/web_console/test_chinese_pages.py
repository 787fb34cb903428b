"""Chinese throughout (#19): every role signs in with its real identity, opens every page of its navigation
and the detail pages one click away (an order, a case, a shipment, a pick-list tab, a scorecard), with
real services holding real rows, and no English word may show outside a short allow-list.

Each (role, page) is its own test, so the report says page by page what was found; everything found is
also written to var/chinese_pages.txt, with the screen family each page belongs to.
"""
import importlib
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import eventlet
import pytest
import requests
from kombu import Connection
from nameko.containers import ServiceContainer

from services.shipping_labels import s10
from services.web_console import nav
from services.web_console.app import Console
from shared.config import ROOT
from shared.messaging.topology import declare, events_exchange
from shared.service_registry import service_class
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.testing.services import RunningService, service_test_config
from shared.timeutil import business_day, utcnow
from shared.web.connections import serve
from tests.order_review.conftest import CHEAP_GOODS, storefront_order
from tests.shipping_labels.factories import packed
from tests.shipping_labels.statements import Courier, xlsx
from tests.web_console.conftest import console_settings
from tests.web_console.english import english_in
from tests.web_console.test_floor_pages import WAYBILL_RANGES
from tools import storefront

def test_the_checker_fails_an_english_sentence():
    assert english_in("买家留言：The buyer wrote: please hurry") == ["The", "buyer", "wrote", "please", "hurry"]
    assert english_in("回访 follow_up_visit") == ["follow_up_visit"]
    assert english_in("有效期至 2026-12-03T07:35:10.863932Z") == ["2026-12-03T07:35:10.863932Z"]
    assert english_in("剩余 2h 05m") == ["2h", "05m"]
    assert english_in("Sign out") == ["Sign", "out"]


def test_the_checker_passes_allowed_tokens():
    assert english_in("订单 SO-20261203-0042 · 运单 EE123456785CN · EMS · ZTO 735000000001 · SKU-001 保温杯 × 2 "
                      "· 950 g · 1.2 kg · 工号 M-1 SA-7 CARE-1 · 下载 CSV · 2026-12-03 15:35 · ¥83.30 · 12% · "
                      "中文 · English") == []


# ---- the pages ---------------------------------------------------------------------------------------------

ROLES = ("reviewer", "packer", "picker", "shipper", "agent", "supervisor", "warehouse", "manager", "sales", "care",
         "admin")
STAFF = {"reviewer": "R-1", "packer": "P-1", "picker": "PK-1", "shipper": "SH-1", "agent": "A-1", "supervisor": "SUP-1",
         "warehouse": "W-1", "manager": "M-1", "sales": "SA-1", "care": "CARE-1", "admin": "ADM-1"}
# The detail pages one click away, for the roles whose lists lead there ({...}: filled in from the data).
DETAILS = (
    ("/review/{held}", ("reviewer", "supervisor", "manager")),
    ("/cases/{case}", ("agent", "supervisor", "warehouse", "manager")),
    ("/shipments/{shipped}", ("shipper", "warehouse", "agent", "supervisor", "manager")),
    ("/pick-lists?status=handed_over", ("picker", "warehouse")),
    ("/scorecards?staff_id=S-9", ("manager",)),
    ("/admin/account?staff_id=M-1", ("admin",)),
    ("/account/password", ROLES),
    ("/no-such-page", ("reviewer",)),    # the error page: 404
    ("/admin/accounts", ("agent",)),     # the error page: another role's page
)
# The screen families, for the report: {path prefix: family} (the rest: common).
OTHERS = {"/review": "review", "/blacklist": "review", "/packing": "floor", "/pick-lists": "floor", "/stock": "floor", "/shipments": "floor",
          "/manifest": "floor", "/cases": "cases", "/pool": "cases", "/care-tasks": "cases",
          "/scorecards": "managers", "/fines": "managers", "/pipeline": "managers", "/dead-letters": "managers"}


def owner(path):
    bare = urlparse(path).path
    return next((who for prefix, who in OTHERS.items() if bare == prefix or bare.startswith(prefix + "/")), None)


def pages():
    listed = []
    for role in ROLES:
        paths = [path for _key, path in nav.for_role(role)]
        paths += [path for path, roles in DETAILS if role in roles]
        for path in paths:
            listed.append(pytest.param(role, path, id=f"{owner(path) or 'common'}:{role}:{path}"))
    return listed


REPORT = Path(ROOT) / "var" / "chinese_pages.txt"


@pytest.fixture(scope="module")
def floor(request, vhost_pipeline, test_databases, console_identity):
    """Every service running once for the module in one vhost, with rows on every page: an order held for
    review, an order packed, handed over and delivered with a case on it, a claimed customer, a care task,
    a staff member with a fine; and the console in front of them."""
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as vhost:
        amqp_uri = f"{broker.scheme}://{broker.netloc}/{vhost}"
        running = {}
        try:
            for name in ("order_review", "picking_packing", "shipping_labels", "after_sales", "staff_performance",
                         "customer_retention"):
                config = service_test_config(name, amqp_uri, DATABASE_URL=test_databases.fresh_url(name))
                container = ServiceContainer(service_class(name), config)
                container.start()
                models = importlib.import_module(f"services.{name}.models")
                running[name] = RunningService(name, container, config, models.Base)
            data = fill(running, amqp_uri)
            listener = eventlet.listen(("127.0.0.1", 0))
            settings = console_settings(running.values(), amqp_uri, console_identity)
            server = eventlet.spawn(serve, listener, Console(settings), settings.http_limits, log_output=False)
            yield "http://%s:%d" % listener.getsockname()[:2], data
            server.kill()
            listener.close()
        finally:
            for service in running.values():
                service.container.stop()


def call(service, method, path, role, staff="T-1", **kwargs):
    headers = service.headers(role, staff, **({"Idempotency-Key": uuid.uuid4().hex} if method != "GET" else {}))
    answer = requests.request(method, service.url(path), headers=headers, timeout=30, **kwargs)
    assert answer.ok, answer.text
    return answer.json() if answer.content else None


def order(**changes):
    """A storefront order whose customer id is shaped as the storefront's are (upper case)."""
    event = storefront_order(**changes)
    event["order"]["customer"]["customer_id"] = event["order"]["customer"]["customer_id"].upper()
    return event


def fill(running, amqp_uri):
    review, picking, shipping = running["order_review"], running["picking_packing"], running["shipping_labels"]
    after_sales, performance, retention = running["after_sales"], running["staff_performance"], \
        running["customer_retention"]
    for carrier, first, last in WAYBILL_RANGES:
        call(shipping, "POST", "/waybill-ranges", "warehouse",
             json={"carrier": carrier, "first_number": first, "last_number": last})
    call(picking, "POST", "/stock/receipts", "warehouse",
         json={"lines": [{"sku": line["sku"], "qty": 10} for line in CHEAP_GOODS]})
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        declare(connection, [], exchanges=[events_exchange("storefront")])
        held = order(shipping_address={"district": "", "line1": ""})
        storefront.publish(connection, held)
        clean = order()
        storefront.publish(connection, clean)
        waiting = order(lines=[{"sku": "SKU-404", "name": "缺货商品", "qty": 1, "unit_price": "10.00",
                                           "unit_weight_g": 100}])
        storefront.publish(connection, waiting)
    held_no, shipped_no, waiting_no = (e["order"]["order_no"] for e in (held, clean, waiting))
    wait_for(lambda: any(o["order_no"] == held_no for o in call(review, "GET", "/queue", "reviewer")["orders"]),
             message="the incomplete address was never held")
    wait_for(lambda: call(picking, "GET", "/pick-lists", "warehouse")["pick_lists"], message="no pick list")

    def shipment():
        answer = requests.get(shipping.url(f"/shipments/{shipped_no}"), headers=shipping.headers("warehouse"),
                              timeout=10)
        return answer.ok and answer.json()
    # packed as the station would say it (shipping waits for the order's approval first)
    publish_event(amqp_uri, "picking_packing", "parcel_packed", packed(shipped_no, weight_g=950))
    tracking_no = wait_for(lambda: (found := shipment()) and found.get("tracking_no"), timeout=20,
                           message="no label for the packed order")
    call(shipping, "POST", "/handovers", "shipper", "SH-1",
         json={"scan_id": str(uuid.uuid4()), "tracking_no": tracking_no, "station_id": "DOCK-1"})
    publish_event(amqp_uri, "shipping_labels", "parcel_delivered", {
        "order_no": shipped_no, "tracking_no": tracking_no, "delivered_at": datetime.now(timezone.utc)})

    def opened():
        answer = requests.post(after_sales.url("/cases"), timeout=10, json={
            "order_no": shipped_no, "case_type": "refund_only", "reason": "not_received",
            "lines": [{"sku": "SKU-001", "qty": 1}], "amount": "59.00"},
            headers=after_sales.headers("agent", "A-1", **{"Idempotency-Key": f"case-{shipped_no}"}))
        return answer.status_code == 201 and answer.json()
    case = wait_for(opened, timeout=20, message="after-sales never took the delivered order")

    # the COD money pages: parcels delivered, a statement paying one short and naming an unknown parcel
    courier = Courier(shipping, amqp_uri)
    short, _ = courier.delivered("120.00", days_ago=10)
    courier.delivered("60.00", days_ago=20)
    today = business_day(utcnow())
    uploaded = courier.upload(xlsx([(short, 100, today), (s10.compose("EE", 12121212), 5, today)]), "EMS回款明细.xlsx")
    assert uploaded.status_code == 201, uploaded.text
    # a parcel back from the courier, waiting at the warehouse for its inspection
    publish_event(amqp_uri, "shipping_labels", "parcel_returned_to_sender", {
        "order_no": waiting_no, "tracking_no": "EE123456785CN", "payment_method": "cod",
        "cod_amount_not_collected": "10.00"})
    wait_for(lambda: call(picking, "GET", "/parcel-returns", "warehouse")["parcel_returns"],
             message="the returned parcel never reached the warehouse")

    call(performance, "PUT", "/staff/S-9", "manager", "M-1",
         json={"name": "王芳", "role": "agent", "rank": "regular", "team": "售后一组"})
    call(performance, "POST", "/fines", "manager", "M-1", json={
        "staff_id": "S-9", "rule": "unexecuted_order", "day": datetime.now(timezone.utc).date().isoformat(),
        "reason": "订单未执行"})
    call(retention, "POST", "/pool/claims", "sales", "SA-1", json={"company_name": "上海星河贸易有限公司"})
    publish_event(amqp_uri, "storefront", "review_posted", {
        "review_id": f"RV-{uuid.uuid4().hex[:8]}", "order_no": shipped_no, "customer_id": clean["order"]["customer"][
            "customer_id"], "rating": 1, "text": "差评: 发错货", "posted_at": datetime.now(timezone.utc)})
    wait_for(lambda: call(retention, "GET", "/care-tasks", "care", "CARE-1", params={"view": "queue"})["tasks"],
             message="no care task")
    return {"held": held_no, "shipped": shipped_no, "case": case["id"]}


@pytest.fixture(scope="module")
def signed_in(browser_session, console_identity, floor):
    """The browser on the console, signed in as the role asked for (once per role, pages go in role order)."""
    base, data = floor
    browser_session.identity, browser_session.base = console_identity, base
    state = {"role": None}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("English on Chinese pages, per role and page (#19)\n", encoding="utf-8")

    def as_role(role):
        if state["role"] != role:
            browser_session.open("/lang/zh")
            browser_session.sign_in(STAFF[role], role)
            state["role"] = role
        return browser_session, data
    return as_role


# What a person reads: the title, the page's text, placeholders and tooltips; not what the page marks as not
# to be translated (translate="no": data people typed in Latin letters, such as a machine's key name).
VISIBLE = """document.querySelectorAll('[translate="no"]').forEach(e => e.remove());
return [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[placeholder], [title]')].map(e => e.getAttribute('placeholder') || e.title)
].join('\\n');"""


@pytest.mark.parametrize("role, path", pages())
def test_a_chinese_page_shows_no_english(signed_in, role, path):
    browser, data = signed_in(role)
    browser.open(path.format(**data))
    text = browser.driver.execute_script(VISIBLE)
    found = english_in(text)
    whose = owner(path) or "common"
    with REPORT.open("a", encoding="utf-8") as report:
        report.write(f"{role:<10} {path:<36} [{whose}] {' '.join(sorted(set(found))) or '-'}\n")
    browser.screenshot(f"chinese_{role}_" + re.sub(r"[^a-z_-]", "", urlparse(path).path.strip("/").replace("/", "_")))
    assert not found, f"{role} {path}: English on the Chinese page: {sorted(set(found))}"


def test_a_refusal_with_its_fields_reads_in_chinese(signed_in):
    """identity refuses an account with no role (marshmallow's reason, in English at the service): the
    page says what is wrong in Chinese."""
    browser, _data = signed_in("admin")
    browser.open("/admin/accounts")
    browser.type("new-staff-id", "N-1")
    browser.type("new-name", "新同事")
    browser.submit("create")
    refusal = browser.text("error")
    assert refusal and english_in(refusal) == [], refusal
    browser.screenshot("chinese_refusal_with_fields")


def test_the_sign_in_page_reads_in_chinese(signed_in):
    """Before anyone signs in (run last: it signs the browser out)."""
    browser, _data = signed_in("admin")
    browser.driver.delete_cookie("console_session")
    browser.open("/signin?ended=idle")
    text = browser.driver.execute_script(VISIBLE)
    assert "登录" in text and english_in(text) == [], english_in(text)
