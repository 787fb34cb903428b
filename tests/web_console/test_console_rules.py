"""The console's own rules without a browser: what a scan means at the packing station (rules §3),
which case actions a person is offered (rules §5), readable errors, sign-in and language."""
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.test import Client

from contracts.customer_retention import CARE_OUTCOMES
from services.web_console import case_forms, csrf, nav, pipeline, station, texts
from services.web_console import identity as console_identity_module
from services.web_console.api import ApiError
from services.web_console.app import Console
from services.web_console.formatting import duration, error_text
from services.web_console.session import PRESESSION_COOKIE, SESSION_COOKIE
from services.web_console.settings import ConsoleSettings
from tests.web_console.test_signin_pages import clock  # noqa: F401  (fixture: identity's clock, moved by the test)
from shared.timeutil import utcnow

TEMPLATES = Path(station.__file__).parent / "templates"


@pytest.mark.parametrize("status, code, expected", [
    ("ready", "SKU-001", {"type": "pick", "order_no": "SO-1", "barcode": "SKU-001"}),
    ("picking", "6901234567892", {"type": "pick", "order_no": "SO-1", "barcode": "6901234567892"}),
    ("picked", "960", {"type": "pack", "order_no": "SO-1", "weight_g": 960}),
    ("held", "1010 g", {"type": "pack", "order_no": "SO-1", "weight_g": 1010}),
])
def test_rule3_a_scan_means_what_the_pick_list_waits_for(status, code, expected):
    body, problem = station.scan_body("id-1", "ST-1", "SO-1", status, code)
    assert problem is None
    assert body == {"scan_id": "id-1", "station_id": "ST-1", **expected}


@pytest.mark.parametrize("order_no, status", [("", None), ("SO-1", "packed"), ("SO-1", "cancelled"),
                                               ("SO-1", "waiting_stock")])
def test_rule3_with_no_open_work_a_scan_is_the_next_order_number(order_no, status):
    assert station.scan_body("id", "ST", order_no, status, "SO-2") == (None, None)


def test_rule3_a_barcode_where_a_weight_is_due_is_refused_before_the_api():
    assert station.scan_body("id", "ST", "SO-1", "picked", "SKU-001") == (None, "station.weight_expected")


def test_rule3_the_weight_window_is_the_services_the_refusals_first_and_never_worked_out_here():
    pick_list = {"expected_weight_g": 950, "expected_min_g": 900, "expected_max_g": 1000}
    assert station.expected_range(pick_list) == (900, 1000)
    assert station.expected_range(pick_list, {"expected_min_g": 910, "expected_max_g": 990}) == (910, 990)
    assert station.expected_range({"expected_weight_g": 950}) is None   # an older service: shown without a window


def test_rule5_a_person_sees_only_actions_the_state_and_their_role_allow():
    pending = {"allowed_actions": ["approve", "close", "reject", "note"]}
    assert case_forms.actions_for(pending, "supervisor") == ["approve", "close", "reject", "note"]
    # An agent approves a return within the shop's window (issue 23); the service's `refused` says when not.
    assert case_forms.actions_for(pending, "agent") == ["approve", "close", "note"]
    assert case_forms.actions_for(pending, "warehouse") == []
    awaiting = {"allowed_actions": ["receive", "return_shipped", "note"]}
    assert case_forms.actions_for(awaiting, "warehouse") == ["receive"]
    assert case_forms.actions_for(awaiting, "manager") == []


def test_actions_the_persons_duties_forbid_are_not_offered_and_say_why():
    """Issue 17: the service lists in `refused` what this person's duties forbid of the allowed actions."""
    agents_case = {"allowed_actions": ["approve", "close", "reject", "note", "reassign"], "refused": [
        {"action": "close", "kind": None, "error": "assigned_to_another", "message": "assigned to A-1"},
        {"action": "note", "kind": "answer", "error": "assigned_to_another", "message": "assigned to A-1"},
        {"action": "approve", "kind": None, "error": "opened_by_you", "message": "you opened it"}]}
    assert case_forms.actions_for(agents_case, "agent") == ["note"]
    assert case_forms.actions_for(agents_case, "supervisor") == ["reject", "note", "reassign"]
    assert case_forms.note_kinds_for(agents_case) == ["internal", "ask_buyer", "buyer_reply"]
    assert [(e.status, e.code) for e in case_forms.refusals_for(agents_case, "agent")] == [
        (403, "assigned_to_another"), (403, "opened_by_you")]   # one line per reason
    assert [e.code for e in case_forms.refusals_for(agents_case, "supervisor")] == [
        "assigned_to_another", "opened_by_you"]
    assert case_forms.refusals_for(agents_case, "warehouse") == []
    assert case_forms.action_body("reassign", {"agent": " A-2 ", "note": ""}, str) == {"agent": "A-2", "note": ""}


def test_rule5_an_unticked_accessory_makes_the_return_incomplete_and_is_named():
    form = {"reason": "漏水", "line_sku_0": "SKU-001", "line_qty_0": "2", "condition": "resellable",
            "accessory_packaging": "on", "accessory_manual": "on", "accessory_gifts": "on", "remarks": "盒子压扁"}
    body = case_forms.receive_body(form, lambda item: f"no {item}")
    assert body == {"reason": "漏水", "lines": [{"sku": "SKU-001", "qty": 2}], "accessories_complete": False,
                    "condition": "resellable", "remarks": "盒子压扁; no accessories"}
    form.update(accessory_accessories="on")
    assert case_forms.receive_body(form, str)["accessories_complete"] is True


def test_open_case_form_sends_only_what_was_filled():
    body = case_forms.open_case_body({"order_no": " SO-1 ", "case_type": "refund_only", "reason": "damaged",
                                      "line_sku_0": "SKU-1", "line_qty_0": "x"})
    assert body["order_no"] == "SO-1" and "amount" not in body
    assert body["lines"] == [{"sku": "SKU-1", "qty": "x"}]   # the API names the bad quantity


def test_refusals_read_as_sentences_with_their_fields():
    error = ApiError(400, "validation_failed", "bad", {"lines": {"0": {"qty": ["Not a valid integer."]}}})
    assert error.field_messages() == [("lines.0.qty", "Not a valid integer.")]
    translate = lambda key, **values: texts.translate("en", key, **values)   # noqa: E731
    assert error_text(error, translate) == "Please check what you entered:"
    assert error_text(ApiError(409, "claimed_by_other", "held by R-2 until 10:00"), translate) == \
        "held by R-2 until 10:00"
    assert duration(-125) == "2h 05m" and duration(7) == "7m"


def test_every_text_key_used_in_a_template_has_chinese_and_english():
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'_\("([a-z_.]+)"\)', template.read_text()))
    missing = sorted(key for key in used if key not in texts.TEXTS)
    assert missing == []
    assert all(len(pair) == 2 and all(pair) for pair in texts.TEXTS.values())


class PersonAt(Client):
    """werkzeug's test client, from an address as a real connection has (throttling counts by it).
    Its POSTs carry the CSRF token this browser's forms carry (`with_token=False`: none)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("environ_base", {"REMOTE_ADDR": "192.0.2.7"})
        return super().open(*args, **kwargs)

    def post(self, *args, data=None, with_token=True, **kwargs):
        if with_token and isinstance(data, dict) and csrf.FIELD not in data:
            data = {**data, csrf.FIELD: self.csrf_token()}
        return super().post(*args, data=data, **kwargs)

    def csrf_token(self):
        """The token the pages give this browser's forms: bound to its session, or before sign-in to the
        pre-session cookie the sign-in page sets."""
        if self.cookie(SESSION_COOKIE) is None and self.cookie(PRESESSION_COOKIE) is None:
            self.get("/signin")
        return csrf.token(self.application.csrf_key, self.cookie(SESSION_COOKIE) or self.cookie(PRESESSION_COOKIE))

    def cookie(self, name):
        found = self.get_cookie(name)
        return found.value if found else None


def identity_console(identity, **settings):
    """A console whose only service is the module's identity."""
    return PersonAt(Console(ConsoleSettings(service_urls={"identity": identity.service.base_url},
                                            api_key_file=identity.console_key_file,
                                            csrf_key_file=identity.console_csrf_key_file, **settings)))


def test_each_role_signs_in_to_its_own_pages_in_chinese_first_then_english(console_identity):
    client = identity_console(console_identity)
    password = console_identity.person("P-1", "packer")
    assert client.get("/cases").headers["Location"].endswith("/signin")
    assert client.post("/signin", data={"staff_id": "P-1", "password": ""}).status_code == 400
    signed = client.post("/signin", data={"staff_id": "P-1", "password": password})
    assert signed.headers["Location"].endswith(nav.home("packer"))
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie   # plain HTTP here
    assert password not in cookie and "." not in cookie.split(";")[0]   # an opaque session id, no token
    page = client.get("/packing")
    assert "打包台" in page.text and 'id="scan"' in page.text
    assert client.get("/scorecards").status_code == 403
    client.get("/lang/en")
    assert "Packing station" in client.get("/packing").text
    forged = identity_console(console_identity)
    forged.set_cookie("console_session", "a-session-id-nobody-was-given")
    assert forged.get("/packing").headers["Location"].endswith("/signin?ended=unknown")




def test_a_live_list_refreshing_itself_is_not_someone_at_the_desk(console_identity, clock):
    client = identity_console(console_identity, api_timeout_seconds=2)
    client.application.settings.service_urls["after_sales"] = "http://127.0.0.1:9"
    client.post("/signin", data={"staff_id": "A-2", "password": console_identity.person("A-2", "agent")})
    clock.advance(minutes=29, seconds=59)
    assert client.get("/cases/rows", headers={"HX-Request": "true"}).status_code == 200   # polled, still signed in
    clock.advance(seconds=1)
    assert client.get("/cases").headers["Location"].endswith("/signin?ended=idle")


@pytest.mark.parametrize("trust_proxy, base_url, headers, secure", [
    (False, "https://console.example", {}, True),
    (False, "http://console.example", {"X-Forwarded-Proto": "https"}, False),   # anyone can send the header
    (True, "http://console.example", {"X-Forwarded-Proto": "https"}, True),
    (True, "http://console.example", {"X-Forwarded-Proto": "http"}, False),
])
def test_the_session_cookie_is_secure_when_the_person_came_over_https(console_identity, trust_proxy, base_url,
                                                                      headers, secure):
    client = identity_console(console_identity, trust_proxy=trust_proxy)
    password = console_identity.person("P-2", "packer")
    # The browser's pre-session cookie (a Secure one, behind a proxy, is not sent by this client over http).
    client.set_cookie(PRESESSION_COOKIE, "pre-session-1", domain="console.example")
    signed = client.post("/signin", data={"staff_id": "P-2", "password": password,
                                          csrf.FIELD: csrf.token(client.application.csrf_key, "pre-session-1")},
                         base_url=base_url, headers=headers)
    assert signed.status_code == 303 and ("Secure" in signed.headers["Set-Cookie"]) is secure


def test_an_address_with_too_many_failures_is_told_to_wait_and_the_console_renews_its_own_token(
        console_identity, monkeypatch):
    client = identity_console(console_identity)
    password = console_identity.person("P-3", "packer")
    for n in range(20):
        client.post("/signin", data={"staff_id": f"X-{n}", "password": "Wrong-password-1"},
                    environ_base={"REMOTE_ADDR": "198.51.100.20"})
    throttled = client.post("/signin", data={"staff_id": "P-3", "password": password},
                            environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert throttled.status_code == 429 and "此处登录失败次数过多，请在" in throttled.text
    assert client.post("/signin", data={"staff_id": "P-3", "password": password}).status_code == 303

    token = client.application.identity.token
    bought = token.get()
    assert token.get() == bought                          # kept while it has more than a minute to live
    later = utcnow() + timedelta(minutes=14, seconds=1)   # a 15-minute token, renewed a minute early
    monkeypatch.setattr(console_identity_module, "utcnow", lambda: later)
    assert token.get() != bought


class FakeApi:
    """Answers like the services; one service is down."""

    def __init__(self, down):
        self.down = down

    def get(self, service, path, **params):
        if service == self.down:
            raise ApiError(503, "unreachable", f"{service} cannot be reached")
        return {"/queue": {"orders": [{}] * 3}, "/pick-lists": {"counts": {"packed": 2, "held": 1}},
                "/cases": {"cases": [{"status": "negotiation"}]}}.get(
            path, {"totals": {"parcels": 4}, "exceptions": [{}]})


def test_pipeline_board_counts_each_stage_and_a_service_down_hides_only_its_own():
    board = {service: (dict(stages), error) for service, stages, error in
             pipeline.board(FakeApi(down="after_sales"), ("EMS", "ZTO"), "2026-11-24")}
    assert board["order_review"] == ({"review.held": 3}, None)
    assert board["picking_packing"][0]["pick.packed"] == 2 and board["picking_packing"][0]["pick.ready"] == 0
    assert board["shipping_labels"][0] == {"ship.today": 8, "ship.exceptions": 2}
    stages, error = board["after_sales"]
    assert stages == {} and error.code == "unreachable"


def test_settings_come_from_the_environment_with_the_suites_defaults():
    defaults = ConsoleSettings.from_env({"AMQP_URI": "amqp://console:pw@broker:5672/"})
    assert defaults.port == 8000 and defaults.service_urls["after_sales"] == "http://127.0.0.1:8004"
    chosen = ConsoleSettings.from_env({"CONSOLE_PORT": "9000", "AFTER_SALES_URL": "http://as:80",
                                       "ORDER_REVIEW_PORT": "9101", "CONSOLE_API_KEY_FILE": "k",
                                       "CONSOLE_CARRIERS": "EMS", "CONSOLE_TRUST_PROXY": "1",
                                       "AMQP_URI": "amqp://console:pw@broker:5672/"})
    assert (chosen.port, chosen.api_key_file, chosen.carriers, chosen.trust_proxy) == (9000, "k", ("EMS",), True)
    assert (defaults.trust_proxy, defaults.service_urls["identity"]) == (False, "http://127.0.0.1:8007")
    assert chosen.service_urls["after_sales"] == "http://as:80"
    assert chosen.service_urls["order_review"] == "http://127.0.0.1:9101"


def test_the_consoles_lists_match_the_services_own_and_each_has_words_in_both_languages():
    from services.after_sales import flow, recovery, securing, stuck_parcels
    from services.order_review import rules
    from services.picking_packing import parcel_returns as returned_parcels
    from services.picking_packing import status as pick_status
    from services.identity.sso_rules import REASONS
    from services.shipping_labels import cod_report, reconciliation
    from services.web_console.pages import account, parcel_returns, review, warehouse
    from shared.config import SERVICES

    assert (case_forms.STATUSES, case_forms.CASE_TYPES, case_forms.REASONS) == (
        flow.STATES, flow.CASE_TYPES, flow.REASONS)
    assert case_forms.QUEUE_TYPES == flow.CASE_TYPES + flow.SERVICE_OPENED
    assert parcel_returns.OUTCOMES == returned_parcels.OUTCOMES
    care_kinds = ("follow_up_visit", "cod_delivery_call", "cod_refusal_call", "negative_review", "notify_customer",
                  "retention_call", "win_back")   # customer_retention's README
    assert set(review.HOLD_CODES) == set(rules.CODES) and set(review.NOT_RELEASABLE) == rules.NOT_RELEASABLE_BY_STAFF
    assert warehouse.PICK_STATUSES == pick_status.ALL
    families = {"status": case_forms.STATUSES, "type": case_forms.QUEUE_TYPES,
                "reason": flow.REASONS + (recovery.REASON, stuck_parcels.REASON),
                "condition": case_forms.CONDITIONS, "note_kind": case_forms.NOTE_KINDS,
                "accessory": case_forms.ACCESSORIES, "accessory.missing": case_forms.ACCESSORIES,
                "colour": case_forms.SLA_COLOURS, "hold": review.HOLD_CODES, "address": review.ADDRESS_FIELDS,
                "pick": warehouse.PICK_STATUSES, "role": nav.SIGN_IN_ROLES, "service": SERVICES,
                "action": {a for actions in case_forms.ROLE_ACTIONS.values() for a in actions} | set(flow.SYSTEM_ACTIONS),
                "done": {a for actions in case_forms.ROLE_ACTIONS.values() for a in actions} | {
                    "pool_claim", "pool_renew", "pool_release", "task_complete", "weight_override", "parcel_inspected"},
                "outcome": CARE_OUTCOMES, "pool": ("claim", "renew", "release"),
                "case_outcome": set(flow.OUTCOMES.values()) | {flow.REFUSED_BY_BUYER} | set(
                    stuck_parcels.CLOSED_BY_NEWS.values()),
                "remit.outcome": reconciliation.OUTCOMES, "remit.reason": reconciliation.REASONS,
                "cod.col": cod_report.COLUMNS,
                "secured": securing.SCANS + (securing.OVERRIDE,), "care_kind": care_kinds,
                "parcel_returns.outcome": parcel_returns.OUTCOMES,
                # identity's: single sign-on's refusals, the password rules, the audit, why a session ended
                "sso": tuple(REASONS) + ("sso_not_configured", "other"),
                "password.rule": ("too_short", "too_long", "one_kind", "contains_staff_id", "not_new"),
                "audit": ("created", "roles", "disabled", "enabled", "password_reset", "password_changed", "locked",
                          "unlocked"),
                "signin.ended": account.ENDED + ("other",)}
    missing = [f"{family}.{value}" for family, values in families.items() for value in values
               if f"{family}.{value}" not in texts.TEXTS]
    missing += [key for key, _path in nav.for_role("manager") if key not in texts.TEXTS]
    assert missing == []


def test_live_parts_answer_a_service_outage_as_content_htmx_will_swap_in(console_identity):
    client = identity_console(console_identity, api_timeout_seconds=2)
    client.application.settings.service_urls.update({"after_sales": "http://127.0.0.1:9",
                                                     "picking_packing": "http://127.0.0.1:9"})
    client.post("/signin", data={"staff_id": "A-1", "password": console_identity.person("A-1", "agent")})
    rows = client.get("/cases/rows", headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "服务暂时无法连接" in rows.text and "<html" not in rows.text
    client.post("/signin", data={"staff_id": "P-1", "password": console_identity.person("P-1", "packer")})
    panel = client.post("/packing/scan", data={"code": "SO-1"}, headers={"HX-Request": "true"})
    assert panel.status_code == 200 and 'id="scan-error"' in panel.text and 'id="station"' in panel.text


def test_a_returned_parcels_form_sends_only_the_lines_decided_so_the_service_names_the_others():
    from werkzeug.datastructures import MultiDict

    from services.web_console.pages.parcel_returns import inspection_body

    form = MultiDict({"sku_0": "SKU-1", "outcome_0": "restock", "sku_1": "SKU-2", "sku_2": "SKU-3",
                      "outcome_2": "damaged", "remarks": " 外箱压坏 "})
    assert inspection_body(form) == {"lines": [{"sku": "SKU-1", "outcome": "restock"},
                                               {"sku": "SKU-3", "outcome": "damaged"}], "remarks": "外箱压坏"}
    assert inspection_body(MultiDict({"sku_0": "SKU-1"}))["lines"] == []


def test_the_console_does_not_start_without_its_csrf_key(tmp_path):
    missing = tmp_path / "no-such-key"
    done = subprocess.run([sys.executable, "-m", "services.web_console"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CONSOLE_CSRF_KEY_FILE": str(missing), "CONSOLE_PORT": "9"})
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == (
        f"web_console refuses to start: the console's CSRF key {missing} cannot be read (No such file or directory); "
        "`python -m tools.deploy` creates it")
