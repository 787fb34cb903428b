"""Issue #10 item 9: every endpoint of every service, from its own /openapi.json, refuses a
caller without a valid token of an admitted role; then a bounded schemathesis fuzz finds no 5xx.

Issue #17: the tokens of every role are the ones identity issues: people's from real sessions
(a password sign-in), machines' bought with their API keys at POST /tokens; a revoked key buys
nothing, and a carrier's key reaches only its own parcels."""
import base64
import json
import uuid
from datetime import timedelta

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from schemathesis.openapi import from_dict

from shared.config import SERVICES
from shared.secret_files import read_secret
from shared.testing.keys import new_key_pair, session_keys
from shared.timeutil import to_iso, utcnow
from shared.web.auth import MACHINE_ROLES, Identity, Role, mint_token
from tests.identity.test_sign_in import verified
from tests.reliability.harness import say
from tests.reliability.test_state_guards_tracking import Floor
from tests.web_console.conftest import console_identity, console_identity_config  # noqa: F401  (fixtures)

ALL_ROLES = [role.value for role in Role]
RANK = "regular"
FUZZ_EXAMPLES = 6          # per operation; bounded so six services fuzz in well under a minute
# Body fields that name a member of staff: the actor must come from the token, never the body.
STAFF_FIELDS = {"staff_id", "agent", "reviewer", "picker", "packer", "shipper", "supervisor", "rep", "by",
                "paid_by", "received_by", "approved_by", "actor", "user"}
# Roles that legitimately act on someone else's record (a manager fining, the clock punching, the console
# signing a person in, an administrator creating their account).
ACTING_FOR_OTHERS = {Role.MANAGER.value, Role.SUPERVISOR.value, Role.CLOCK.value, Role.CONSOLE.value,
                     Role.ADMIN.value}
# Public to bearer tokens, but authenticated otherwise: a device's API key buys a token here.
KEYED = {"identity": {"POST /tokens"}}


def operations(service):
    doc = requests.get(service.url("/openapi.json"), timeout=10).json()
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def concrete(path):
    """A path with every {value} filled: auth is checked before the value is looked up."""
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + "1" + path[end + 1:]
    return path


def expired_token(key, role):
    return mint_token(key, "S-old", role, ttl=timedelta(seconds=-1))


def tampered_token(key, role):
    """A valid token whose payload was edited to claim a manager, signature kept."""
    header, payload, signature = mint_token(key, "S-low", role).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"], claims["sub"] = Role.MANAGER.value, "S-boss"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def answers(method, url, token=None):
    return answer(method, url, token)[0]


def answer(method, url, token=None):
    """(status, error code) of a call with an empty JSON body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(method, url, headers=headers, json={}, timeout=10)
    try:
        error = response.json().get("error") if response.status_code >= 400 else None
    except (ValueError, AttributeError):
        error = None
    return response.status_code, error


class Issuer:
    """Tokens as identity issues them: a person's from their session (a real password sign-in), a
    machine's bought with its API key. Fresh on each call (a module may outlive a token)."""
    MACHINE_SUBJECTS = {Role.SCANNER.value: "SCAN-SEC-1", Role.CARRIER.value: "EMS", Role.CLOCK.value: "CLOCK-SEC-1"}

    def __init__(self, identity):
        self.identity, self.sessions = identity, {}
        self.keys = {role: self.register(role, subject) for role, subject in self.MACHINE_SUBJECTS.items()}
        self.keys[Role.CONSOLE.value] = read_secret(identity.console_key_file)

    def register(self, role, subject):
        made = self.identity.as_admin("POST", "/api-keys", json={"role": role, "subject": subject})
        assert made.status_code == 201, made.text
        return made.json()["key"]

    def bought(self, key):
        return requests.post(self.identity.url("/tokens"), headers={"Authorization": f"ApiKey {key}"}, timeout=10)

    def token(self, role):
        if role in self.keys:
            return self.bought(self.keys[role]).json()["token"]
        if role not in self.sessions:
            staff_id = f"SEC-{role}"
            signed = self.identity.sign_in(staff_id, self.identity.person(staff_id, role))
            self.sessions[role] = signed.json()["session_id"]
        return self.identity.current(self.sessions[role]).json()["token"]


@pytest.fixture(scope="module")
def issuer(console_identity):  # noqa: F811  (the fixture imported above)
    return Issuer(console_identity)


@pytest.mark.parametrize("service_name", SERVICES)
def test_every_endpoint_refuses_missing_wrong_role_expired_and_tampered_tokens(start_service, service_name, issuer,
                                                                             record_property, tmp_path):
    service = start_service(service_name)
    key, foreign_key = session_keys().private_key, new_key_pair(tmp_path).private_key
    issued = {role: issuer.token(role) for role in ALL_ROLES}   # people's from sessions, machines' from keys
    wrong, checked, public, staff_fields = [], 0, [], []
    for method, path, operation in operations(service):
        roles = operation.get("x-roles", [])
        if not roles:
            public.append(f"{method} {path}")
            continue
        url, admitted = service.url(concrete(path)), roles[0]
        outsider = next((r for r in ALL_ROLES if r not in roles), None)
        expected = [(None, 401, "no token"), (expired_token(key, admitted), 401, "expired"),
                    (tampered_token(key, outsider or admitted), 401, "tampered"),
                    (mint_token(foreign_key, "S-x", admitted), 401, "foreign key")]
        for token, status, what in expected:
            got = answers(method, url, token)
            checked += 1
            if got != status:
                wrong.append(f"{method} {path} with {what}: {got}, expected {status}")
        for role, token in issued.items():   # every role: admitted (the token is taken) or refused 403
            got, error = answer(method, url, token)
            checked += 1
            if role in roles and (error == "unauthorized" or error == "forbidden"):
                wrong.append(f"{method} {path} with identity's {role} token: {got} {error}, expected it taken")
            elif role not in roles and (got, error) != (403, "forbidden"):
                wrong.append(f"{method} {path} with identity's {role} token: {got} {error}, expected 403")
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        named = _body_fields(service, body) & STAFF_FIELDS
        staff_fields += [f"{method} {path}: {name}" for name in sorted(named)]
        if named and not set(roles) <= ACTING_FOR_OTHERS:
            wrong.append(f"{method} {path}: {roles} may name another member of staff ({sorted(named)})")
    for keyed in KEYED.get(service_name, ()):   # no token, or any bearer token, buys nothing there
        method, path = keyed.split(" ")
        for token in (None, service.token("admin"), expired_token(key, "scanner")):
            got = answers(method, service.url(path), token)
            checked += 1
            if got != 401:
                wrong.append(f"{keyed} with {'a bearer token' if token else 'no key'}: {got}, expected 401")
    say(record_property, f"{service_name}: {checked} refusals checked over its endpoints, {len(wrong)} wrong; "
                         f"public {public}; staff named in bodies {staff_fields}")
    assert wrong == []
    assert set(public) <= {"GET /health", "GET /openapi.json"} | KEYED.get(service_name, set())


def _body_fields(service, schema):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        doc = requests.get(service.url("/openapi.json"), timeout=10).json()
        schema = doc["components"]["schemas"][name]
    return set(schema.get("properties", {}))


def money_bounds_as_strings(doc):
    """Properties whose numeric bound is a string (how Money fields came out before the fix)."""
    return [f"{name}.{prop}" for name, schema in doc.get("components", {}).get("schemas", {}).items()
            for prop, field in schema.get("properties", {}).items()
            if isinstance(field.get("minimum", field.get("maximum")), str)]


@pytest.mark.parametrize("service_name", SERVICES)
def test_openapi_document_is_valid_for_clients(start_service, service_name, record_property):
    service = start_service(service_name)
    doc = requests.get(service.url("/openapi.json"), timeout=10).json()
    wrong = money_bounds_as_strings(doc)
    say(record_property, f"{service_name}: {len(wrong)} properties with a string bound {wrong}")
    assert wrong == []
    from_dict(doc).validate()


@pytest.mark.parametrize("service_name", SERVICES)
def test_fuzzing_every_operation_finds_no_server_error(start_service, service_name, record_property):
    service = start_service(service_name)
    doc = requests.get(service.url("/openapi.json"), timeout=10).json()
    schema = from_dict(doc)
    tokens = {role: service.token(role, "S-fuzz") for role in ALL_ROLES}
    failures, calls = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        roles = operation.definition.raw.get("x-roles", [])
        headers = {"Authorization": f"Bearer {tokens[roles[0]]}"} if roles else {}

        @given(case=operation.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            try:
                response = case.call(base_url=service.base_url, headers=headers, timeout=10)
            except requests.ConnectionError as exc:   # the server dropped the request: worse than a 500
                return failures.append(f"{operation.label} {case.path_parameters} {case.query}: dropped ({exc})")
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{operation.label} {case.path_parameters} {case.query} {case.body!r:.200}: "
                                f"{response.status_code} {response.text[:200]}")

        fuzz()
    say(record_property, f"{service_name}: fuzzed {len(calls)} requests over {len(doc['paths'])} paths, "
                         f"{len(failures)} server errors; statuses {sorted(set(calls))}")
    assert failures == []


def test_weekly_report_of_a_week_that_does_not_exist_is_a_400(start_service):
    """Found by the fuzzer: date.fromisocalendar refused 0000-W01 with a 500 (fixed)."""
    service = start_service("after_sales")
    for week in ("0000-W01", "2021-W53"):
        answer = requests.get(service.url("/reports/weekly"), params={"week": week},
                              headers=service.headers("manager"), timeout=10)
        assert answer.status_code == 400, (week, answer.status_code, answer.text[:200])


def test_csv_exports_named_in_chinese_answer(start_service):
    """A team or staff id outside Latin-1 (销售一组, 王芳) must still download, not drop the connection
    (found by this suite: the name went raw into Content-Disposition; fixed in shared/web/downloads.py)."""
    service = start_service("staff_performance")
    manager = service.headers("manager")
    requests.put(service.url("/staff/王芳"), json={"name": "王芳", "role": "sales", "rank": RANK, "team": "销售一组"},
                 headers=manager, timeout=10).raise_for_status()
    for path, params in (("/staff/王芳/scorecard", {"format": "csv"}),
                         ("/leaderboard", {"team": "销售一组", "format": "csv"})):
        try:
            answer = requests.get(service.url(path), params=params, headers=manager, timeout=10)
        except requests.ConnectionError as exc:
            pytest.fail(f"{path}: the connection was dropped ({exc})")
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])


def test_machines_keys_buy_tokens_of_their_role_a_revoked_key_buys_none_and_a_carrier_reaches_its_own(
        start_service, issuer):
    floor = Floor(start_service("shipping_labels"))
    ems = issuer.bought(issuer.keys["carrier"]).json()["token"]
    assert verified(ems) == Identity("EMS", "carrier", "EMS")   # the key's subject, role and carrier
    zto_key = issuer.register("carrier", "ZTO")
    zto = issuer.bought(zto_key).json()["token"]

    def scan(parcel, token):
        order_no, tracking_no = floor.parcels[parcel]
        return requests.post(floor.service.url("/tracking-events"), timeout=10, headers={
            "Authorization": f"Bearer {token}"}, json={"event_id": str(uuid.uuid4()), "tracking_no": tracking_no,
                                                        "status": "in_transit", "occurred_at": to_iso(utcnow()),
                                                        "location": "杭州"})
    assert scan("EMS", ems).status_code == 201
    refused = scan("ZTO", ems)
    assert refused.status_code == 403 and refused.json()["error"] == "not_your_parcel"
    assert scan("ZTO", zto).status_code == 201

    key_id = zto_key[3:19]
    assert issuer.identity.as_admin("DELETE", f"/api-keys/{key_id}").status_code == 204
    revoked = issuer.bought(zto_key)
    assert revoked.status_code == 401 and revoked.json()["error"] == "unauthorized"
    assert issuer.bought(issuer.keys["carrier"]).status_code == 200          # another key lives on
    for role in MACHINE_ROLES:                                                # a key is no bearer token
        assert answers("GET", floor.service.url("/shipments/x"), issuer.keys[role.value]) == 401
