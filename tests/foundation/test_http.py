"""HTTP conventions every service shares (issue #2, "HTTP, auth, contracts")."""
import json
from datetime import timedelta

import requests
import sqlalchemy as sa

from shared.testing.keys import new_key_pair, session_keys
from shared.web.auth import mint_token
from tests.foundation.sample_service import Note


def post_note(service, body, role="agent", staff_id="S-test", **headers):
    return requests.post(service.url("/notes"), data=body if isinstance(body, (bytes, str)) else json.dumps(body),
                         headers={**service.headers(role, staff_id), "Content-Type": "application/json", **headers},
                         timeout=10)


def count_notes(service):
    with service.db.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Note))


def test_tokens_and_roles(start_sample, tmp_path):
    service = start_sample()
    url = service.url("/notes")
    body = {"topic": "t", "text": "x"}

    assert requests.post(url, json=body, timeout=10).status_code == 401
    assert requests.post(url, json=body, headers={"Authorization": "Basic abc"}, timeout=10).status_code == 401
    expired = mint_token(session_keys().private_key, "S1", "agent", ttl=timedelta(seconds=-5))
    answer = requests.post(url, json=body, headers={"Authorization": f"Bearer {expired}"}, timeout=10)
    assert (answer.status_code, answer.json()["message"]) == (401, "token expired")
    forged = mint_token(new_key_pair(tmp_path).private_key, "S1", "agent")
    assert requests.post(url, json=body, headers={"Authorization": f"Bearer {forged}"}, timeout=10).status_code == 401
    token = service.token("agent")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert requests.post(url, json=body, headers={"Authorization": f"Bearer {tampered}"}, timeout=10).status_code == 401

    wrong_role = post_note(service, body, role="picker")
    assert wrong_role.status_code == 403
    assert wrong_role.json()["error"] == "forbidden" and wrong_role.json()["allowed_roles"] == ["agent", "supervisor"]
    assert post_note(service, body).status_code == 201
    assert count_notes(service) == 1


def test_bad_input_is_a_clear_4xx_and_stores_nothing(start_sample):
    service = start_sample(MAX_BODY_BYTES=2048)

    unknown = post_note(service, {"topic": "t", "text": "x", "colour": "red"})
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "validation_failed", "message": "the request has invalid fields",
                              "fields": {"colour": ["Unknown field."]}}
    missing = post_note(service, {"topic": "t"})
    assert missing.status_code == 400 and "text" in missing.json()["fields"]
    negative = post_note(service, {"topic": "t", "text": "x", "amount": "-1.00"})
    assert negative.status_code == 400 and "amount" in negative.json()["fields"]
    as_float = post_note(service, {"topic": "t", "text": "x", "amount": 1.5})
    assert as_float.status_code == 400 and "amount" in as_float.json()["fields"]
    assert post_note(service, b'{"topic": ').json()["error"] == "invalid_json"
    assert post_note(service, b'{"topic": "\xff\xfe"}').json()["error"] == "invalid_utf8"
    assert post_note(service, b"[1, 2]").status_code == 400
    too_big = post_note(service, {"topic": "t", "text": "x" * 5000})
    assert (too_big.status_code, too_big.json()["error"]) == (413, "body_too_large")
    assert count_notes(service) == 0


def test_a_retried_write_returns_the_first_answer_and_changes_nothing(start_sample):
    service = start_sample()
    first = post_note(service, {"topic": "t", "text": "once"}, **{"Idempotency-Key": "k-1"})
    again = post_note(service, {"topic": "t", "text": "once"}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["Idempotent-Replay"] == "true"
    assert count_notes(service) == 1
    outbox = service.base.metadata.tables["outbox"]
    with service.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(outbox)) == 1   # one event, not two

    reused = post_note(service, {"topic": "t", "text": "different"}, **{"Idempotency-Key": "k-1"})
    assert (reused.status_code, reused.json()["error"]) == (422, "idempotency_key_reused")
    assert post_note(service, {"topic": "t", "text": "twice"}).status_code == 201      # no key: a new note
    assert count_notes(service) == 2


def test_an_idempotency_key_belongs_to_its_caller(start_sample):
    """#17: the same key from another person is another request; it never replays someone else's
    answer. Failed before: the second agent got the first agent's note back."""
    service = start_sample()
    mine = post_note(service, {"topic": "t", "text": "same"}, staff_id="A-1", **{"Idempotency-Key": "k-9"})
    theirs = post_note(service, {"topic": "t", "text": "same"}, staff_id="A-2", **{"Idempotency-Key": "k-9"})
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replay" not in theirs.headers and theirs.json() != mine.json()
    again = post_note(service, {"topic": "t", "text": "same"}, staff_id="A-1", **{"Idempotency-Key": "k-9"})
    assert again.headers["Idempotent-Replay"] == "true" and again.json() == mine.json()
    assert count_notes(service) == 2


def test_concurrent_retries_with_one_key_create_one_thing(start_sample):
    import eventlet

    service = start_sample()
    pool = eventlet.GreenPool(10)
    answers = list(pool.imap(lambda _: post_note(service, {"topic": "t", "text": "race"},
                                                 **{"Idempotency-Key": "race-1"}), range(10)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert count_notes(service) == 1


def test_errors_unknown_paths_health_and_openapi(start_sample):
    service = start_sample()
    missing = requests.get(service.url("/notes/999999"), headers=service.headers("manager"), timeout=10)
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    nowhere = requests.get(service.url("/nowhere"), timeout=10)
    assert (nowhere.status_code, nowhere.json()["error"]) == (404, "not_found")
    wrong_method = requests.delete(service.url("/notes/1"), timeout=10)
    assert (wrong_method.status_code, wrong_method.json()["error"]) == (405, "method_not_allowed")

    health = requests.get(service.url("/health"), timeout=10)
    assert health.status_code == 200
    assert health.json() == {"service": "sample", "status": "ok", "database": "ok", "broker": "ok"}

    spec = requests.get(service.url("/openapi.json"), timeout=10).json()
    post = spec["paths"]["/notes"]["post"]
    assert post["x-roles"] == ["agent", "supervisor"] and post["security"] == [{"bearer": []}]
    assert "requestBody" in post and spec["paths"]["/notes/{note_id}"]["get"]["parameters"][0]["name"] == "note_id"
    assert "NoteIn" in spec["components"]["schemas"]


def test_health_says_503_when_the_broker_is_unreachable(start_sample, sample_config, rabbit_config):
    from shared.testing.proxy import TcpProxy

    proxy = TcpProxy("127.0.0.1", 5672).start()
    service = start_sample(config=sample_config(AMQP_URI=proxy.uri_for(rabbit_config["AMQP_URI"])))
    proxy.stop()
    try:
        health = requests.get(service.url("/health"), timeout=10)
        assert health.status_code == 503
        assert health.json()["broker"] == "unavailable" and health.json()["database"] == "ok"
    finally:
        proxy.start()     # the broker is back for this service
    back = requests.get(service.url("/health"), timeout=10)
    assert (back.status_code, back.json()["broker"]) == (200, "ok")


def test_health_keeps_one_broker_connection_and_makes_a_new_one_when_it_breaks(rabbit_config):
    from types import SimpleNamespace

    from shared.testing.proxy import TcpProxy
    from shared.web.broker_probe import BrokerProbe

    proxy = TcpProxy("127.0.0.1", 5672).start()
    probe = BrokerProbe()
    probe.container = SimpleNamespace(config={"AMQP_URI": proxy.uri_for(rabbit_config["AMQP_URI"])})
    probe.setup()
    try:
        assert [probe.reachable() for _ in range(5)] == [True] * 5
        assert proxy.accepted == 1
        proxy.stop()      # cuts the kept connection too
        assert probe.reachable() is False
        proxy.start()
        assert probe.reachable() is True and proxy.accepted == 2
    finally:
        probe.stop()
        proxy.stop()


def test_a_domain_errors_details_may_use_any_name_and_never_replace_its_code():
    from shared.errors import Conflict
    from shared.web.errors import response_from_exception
    answer = response_from_exception(Conflict("group 7 is packed", code="merge_not_standing", status="packed",
                                              fields="x", error="not this"))
    assert answer.status_code == 409
    assert json.loads(answer.get_data()) == {"error": "merge_not_standing", "message": "group 7 is packed",
                                             "status": "packed", "fields": "x"}
