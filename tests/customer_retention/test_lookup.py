"""Looking a customer up before claiming (issue #19, Sales and care): a rep typing part of a name, a phone
or a key is offered the known customers it may mean, with who holds them, so a typo does not make a second
customer. On the real broker and database: the customers come from orders on the bus."""
from shared.testing.polling import wait_for
from tests.customer_retention.conftest import order_event, uid
from tests.customer_retention.test_service import get, post


def _lookup(service, q, expect=200):
    answer = get(service, "/customers/lookup", role="sales", staff="R1", q=q)
    assert answer.status_code == expect, answer.text
    return answer.json()


def _keys(service, q):
    return [(c["customer_key"], c["match"]) for c in _lookup(service, q)["customers"]]


def test_a_rep_finds_known_customers_by_name_phone_or_key_before_claiming(start_service, publish_order):
    service = start_service("customer_retention")
    tag = uid("T")[2:6].upper()                     # four hex digits, so parallel runs don't meet
    company = f"上海星河{tag}贸易有限公司"
    phone = "139" + uid("P")[2:10].translate(str.maketrans("abcdef", "123456"))
    business = order_event(company=company, name="王芳")
    business["order"]["customer"]["phone"] = phone
    publish_order(event=business)
    private = order_event(name=f"李雷{tag}")
    private["order"]["customer"]["phone"] = phone[:3] + "00000000"
    private_id = publish_order(event=private)["order"]["customer"]["customer_id"]
    company_key = "co:" + company.lower()
    wait_for(lambda: len(_lookup(service, f"李雷{tag}")["customers"]) == 1, message="orders never recorded")
    assert post(service, "/pool/claims", {"customer_key": company_key}, staff="R2").status_code == 201

    found = _lookup(service, f"上海星河{tag}")["customers"]
    assert [(c["customer_key"], c["display_name"], c["kind"], c["names"], c["holder"], c["match"])
            for c in found] == [(company_key, company, "business", ["王芳"], "R2", "name")]
    assert (found[0]["phone"], found[0]["expires_at"][-1]) == (phone, "Z")
    # Written with full-width brackets and spaces, it is the same name.
    assert _keys(service, f"上海 星河{tag.lower()}") == [(company_key, "name")]
    # One character off (星和 for 星河): suggested as a likely typo.
    assert _keys(service, company.replace("星河", "星和")) == [(company_key, "similar")]
    assert _keys(service, f"星河{tag}贸易") == [(company_key, "contains")]
    assert _keys(service, f"李雷{tag}") == [("id:" + private_id, "name")]
    assert _keys(service, "id:" + private_id[:6])[:1] == [("id:" + private_id, "key")]


def test_a_phone_matches_from_three_digits_and_nothing_matches_nothing(start_service, publish_order):
    service = start_service("customer_retention")
    event = order_event(name=f"韩梅梅{uid('T')}")
    event["order"]["customer"]["phone"] = "17712345678"
    key = "id:" + publish_order(event=event)["order"]["customer"]["customer_id"]
    wait_for(lambda: _lookup(service, "177")["customers"], message="order never recorded")
    assert _keys(service, "177") == [(key, "phone")]
    assert _keys(service, "177-1234") == [(key, "phone")]
    assert _keys(service, "17") == []              # two digits: too short to mean anyone
    assert _keys(service, "178") == []
    assert _keys(service, "完全不认识的公司") == []


def test_an_empty_or_overlong_lookup_is_refused_naming_the_field(start_service):
    service = start_service("customer_retention")
    for q in ("", "x" * 301):
        refused = _lookup(service, q, expect=400)
        assert "q" in refused["fields"], refused
    assert _lookup(service, "x" * 300)["customers"] == []
