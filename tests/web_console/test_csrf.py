"""Issue #17 'People': a CSRF token on every form. Every page each role reaches is crawled (real
services, with a held order, an open case and accounts to show); every <form method="post"> carries the
token bound to that person's session (the sign-in form: to the browser's pre-session cookie). A POST
without it, or with another session's, is refused with the reason as a sentence, and changes nothing
in any service's database."""
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa

from services.web_console import csrf
from shared.config import SERVICES
from shared.testing.polling import wait_for
from shared.web.auth import PERSON_ROLES
from tests.after_sales.conftest import Desk
from tests.order_review.conftest import storefront_order
from tests.web_console.test_console_rules import PersonAt, identity_console
from tests.web_console.test_floor_pages import held

MAX_PAGES = 40            # per person: the rota's weeks go on for ever
NOT_PAGES = ("/static/", "/signout", "/lang/", "/sso/")
MISSING = "表单缺少安全校验码，未执行任何操作"
INVALID = "表单的安全校验码与当前登录不符"
# Forms the crawl must have found (a form the seed data shows), so that it proves something.
EXPECTED_FORMS = {"/signin", "/signout", "/account/password", "/account/role", "/packing/scan", "/pool/claim",
                  "/rota/add", "/cases/new", "/admin/accounts", "/admin/account/roles", "/admin/account/disable",
                  "/admin/account/password-reset", "/admin/api-keys", "/admin/api-keys/revoke"}
EXPECTED_PATTERNS = (r"/review/[^/]+/claim", r"/cases/\d+/[a-z_]+")


class Forms(HTMLParser):
    """The page's POST forms (action, fields as a browser would send them) and its links."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.links, self.meta_token, self._form = [], [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = {"action": attrs.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "x")
        elif tag == "a" and attrs.get("href", "").startswith("/") and not attrs["href"].startswith("//"):
            self.links.append(attrs["href"])
        elif tag == "meta" and attrs.get("name") == "csrf-token":
            self.meta_token = attrs.get("content")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


@pytest.fixture
def office(start_service, rabbit_config, publish_order):
    """Every service, with something for the forms to be about: an order held in review, a case."""
    services = {name: start_service(name) for name in SERVICES if name != "identity"}
    review, desk = services["order_review"], Desk(services["after_sales"], rabbit_config["AMQP_URI"], publish_order)
    event = publish_order(event=storefront_order(shipping_address={"district": "", "line1": ""}))
    order_no = event["order"]["order_no"]   # held in review: the address is incomplete
    wait_for(lambda: held(review, order_no), message="the order was never held")
    desk.wait_order(order_no, "placed")
    desk.ship(order_no)
    desk.open(order_no)
    return services


def signed_in(console, identity, role):
    """A person acting in `role` who holds another role too (so the role switch shows)."""
    staff_id = f"CSRF-{role}"
    identity.person(staff_id, role)
    other = "care" if role == "agent" else "agent"
    assert identity.as_admin("PUT", f"/accounts/{staff_id}/roles", json={"roles": [role, other]}).status_code == 200
    client = PersonAt(console)
    assert client.post("/signin", data={"staff_id": staff_id, "password": identity.passwords[staff_id]}).status_code \
        == 303
    return client


def crawl(client):
    """(path, Forms) of every page reachable from the start page and the sign-in page, each once; and the
    pool after a lookup (the claim forms show only beside a lookup's answer)."""
    queue, seen = deque(["/", "/signin", "/account/password", "/pool?q=新客户公司"]), set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(NOT_PAGES) or path.endswith((".pdf", ".zpl", ".csv")):
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.status_code in (302, 303):   # a redirect: its target is a page to crawl too
            queue.append(urlsplit(answer.headers["Location"])._replace(scheme="", netloc="").geturl())
            continue
        if answer.mimetype != "text/html":
            continue
        page = Forms(answer.text)
        yield path, page
        queue.extend(urljoin(path, link).split("#")[0] for link in page.links)


def snapshot(services):
    """Every row of every table of every service, identity's included (but when a session was last
    seen: each page asks identity whether the session lives)."""
    rows = {}
    for service in services:
        with service.db.read() as session:
            for table in service.base.metadata.sorted_tables:
                columns = [c for c in table.columns if (table.name, c.name) != ("sessions", "last_seen_at")]
                rows[f"{service.name}.{table.name}"] = sorted(map(repr, session.execute(sa.select(*columns)).all()))
    return rows


def settled(services):
    """The snapshot once two in a row agree (the seed's events have all been handled and relayed)."""
    last = {}

    def unchanged():
        now, previous = snapshot(services), last.get("rows")
        last["rows"] = now
        return now == previous and now
    return wait_for(unchanged, timeout=30, interval=0.5, message="the services never settled")


def test_every_post_form_carries_the_sessions_token_and_a_post_without_it_changes_nothing(office, console_identity):
    console = identity_console(console_identity).application
    console.settings.service_urls.update({name: service.base_url for name, service in office.items()})
    people = {role: signed_in(console, console_identity, role) for role in PERSON_ROLES}
    found = {}   # action -> (role, fields)
    for role, client in people.items():
        expected = csrf.token(console.csrf_key, client.cookie("console_session"))
        for path, page in crawl(client):
            assert page.meta_token in (None, expected), (role, path)
            for form in page.forms:
                assert form["fields"].get(csrf.FIELD) == expected, (role, path, form["action"])
                found.setdefault(form["action"].split("?")[0], (role, form["fields"]))
    assert EXPECTED_FORMS <= set(found), sorted(EXPECTED_FORMS - set(found))
    assert all(any(re.fullmatch(pattern, action) for action in found) for pattern in EXPECTED_PATTERNS), sorted(found)

    services = list(office.values()) + [console_identity.service]
    before = settled(services)
    for action, (role, fields) in sorted(found.items()):
        client, stranger = people[role], people["agent" if role != "agent" else "care"]
        without = {name: value for name, value in fields.items() if name != csrf.FIELD}
        refused = client.post(action, data=without, with_token=False)
        assert refused.status_code == 403 and MISSING in refused.text, (action, refused.status_code)
        someone_elses = client.post(action, data={**without, csrf.FIELD: stranger.csrf_token()}, with_token=False)
        assert someone_elses.status_code == 403 and INVALID in someone_elses.text, (action, someone_elses.status_code)
        assert "console_session" not in someone_elses.headers.get("Set-Cookie", "")
    assert snapshot(services) == before
    assert all(client.get("/account/password").status_code == 200 for client in people.values())   # still signed in


def test_the_sign_in_form_is_bound_to_the_browsers_pre_session_cookie(console_identity):
    client = identity_console(console_identity)
    password = console_identity.person("CSRF-1", "packer")
    page = client.get("/signin")
    cookie = page.headers["Set-Cookie"]
    assert "console_presession=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = Forms(page.text).forms[0]["fields"][csrf.FIELD]
    assert token == csrf.token(client.application.csrf_key, client.cookie("console_presession"))
    # Another browser (its own pre-session) can't use this one's token: a login forged from another site.
    other = identity_console(console_identity)
    other.get("/signin")
    forged = other.post("/signin", data={"staff_id": "CSRF-1", "password": password, csrf.FIELD: token},
                        with_token=False)
    assert forged.status_code == 403 and INVALID in forged.text and "console_session" not in forged.headers.get(
        "Set-Cookie", "")
    signed = client.post("/signin", data={"staff_id": "CSRF-1", "password": password, csrf.FIELD: token},
                         with_token=False)
    assert signed.status_code == 303 and client.cookie("console_session")
    assert client.cookie("console_presession") is None   # signed in: forms are bound to the session now
    # The old token was the pre-session's: with the session it is refused.
    assert client.post("/signout", data={csrf.FIELD: token}, with_token=False).status_code == 403
    assert client.post("/signout", data={}).status_code == 303


def test_htmx_sends_the_token_as_a_header(console_identity):
    client = identity_console(console_identity, api_timeout_seconds=2)
    client.application.settings.service_urls["picking_packing"] = "http://127.0.0.1:9"
    client.post("/signin", data={"staff_id": "CSRF-2", "password": console_identity.person("CSRF-2", "packer")})
    headers = {"HX-Request": "true"}
    assert client.post("/packing/scan", data={"code": "SO-1"}, headers=headers, with_token=False).status_code == 403
    panel = client.post("/packing/scan", data={"code": "SO-1"}, with_token=False,
                        headers={**headers, csrf.HEADER: client.csrf_token()})
    assert panel.status_code == 200 and 'id="station"' in panel.text


def test_every_post_form_in_every_template_has_the_token_field():
    """Forms the crawl could not reach (no data to show them) are checked in their templates."""
    templates = list((csrf.Path(csrf.__file__).parent / "templates").glob("*.html"))
    forms = [(t.name, m.group(0)) for t in templates
             for m in re.finditer(r'<form method="post"[^>]*>(\{\{ csrf_field\(\) \}\})?', t.read_text(), re.I)]
    assert len(forms) >= 20 and [form for form in forms if "csrf_field" not in form[1]] == []
