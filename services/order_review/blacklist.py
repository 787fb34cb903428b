"""The blacklist (黑名单): phones, addresses and customers an operator listed; an order naming one is held
BLACKLISTED, naming what matched. Plain functions: normalising what is listed and what an order carries, so
`138 1234-5678`, `+86 13812345678` and `13812345678` are one phone, and an address is one however it is
spaced or punctuated. Listing and unlisting are kept on the entry (who, when, why): `storage` writes them."""
import re
import unicodedata

from services.order_review import storage
from services.order_review.contact import phone_problem
from services.order_review.models import ADDRESS, CUSTOMER, PHONE, BlacklistEntry
from shared.errors import Conflict, NotFound, RuleViolation
from shared.timeutil import to_iso

ADDRESS_PARTS = ("province", "city", "district", "line1")
_NOT_PHONE = re.compile(r"[\s()\-]")
_NOT_ADDRESS = re.compile(r"[\W_]+")


def normal_phone(phone):
    """Digits only, a mainland mobile without its +86 / 86 country code."""
    compact = _NOT_PHONE.sub("", unicodedata.normalize("NFKC", phone or ""))
    if re.fullmatch(r"(?:\+?86)1[3-9]\d{9}", compact):
        compact = compact[-11:]
    return compact


def normal_address(text):
    """Letters and digits only (full-width folded, case folded): '上海市 浦东新区，世纪大道100号' and
    '上海市浦东新区世纪大道 100 号' are one address."""
    return _NOT_ADDRESS.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


def order_address(shipping_address):
    """The order's address as one normalised string (province, city, district, street line)."""
    return normal_address("".join(shipping_address.get(part) or "" for part in ADDRESS_PARTS))


def entry_value(kind, shown):
    """(normalised value, problem): what an operator's entry is matched by, or why it can't be listed."""
    shown = (shown or "").strip()
    if not shown:
        return None, "empty"
    if kind == PHONE:
        return (normal_phone(shown), None) if not phone_problem(shown) else (None, "not_a_phone")
    if kind == ADDRESS:
        value = normal_address(shown)
        return (value, None) if len(value) >= 6 else (None, "too_short")
    return shown, None   # CUSTOMER: the storefront's customer id, as it is


def order_values(order):
    """[(kind, value)] an order is matched on: both phones, the shipping address, the customer."""
    phones = {normal_phone(order["shipping_address"].get("phone")), normal_phone(order["customer"].get("phone"))}
    values = [(PHONE, phone) for phone in sorted(phones) if phone]
    address = order_address(order["shipping_address"])
    if address:
        values.append((ADDRESS, address))
    return values + [(CUSTOMER, order["customer"]["customer_id"])]



def list_value(uow, kind, shown, reason, by, now):
    """An operator lists a phone, an address or a customer: orders arriving from now on naming it are held
    BLACKLISTED (orders already reviewed are not reopened). A value that can't be matched is 422 naming the
    field; one listed already is 409 naming its entry."""
    value, problem = entry_value(kind, shown)
    if problem:
        raise RuleViolation(f"{shown!r} can't be listed as a {kind}: {problem}", code="bad_blacklist_value",
                            fields={"value": [problem]})
    listed = storage.listed_entry(uow.session, kind, value)
    if listed is not None:
        raise Conflict(f"{kind} {shown} is listed already (entry {listed.id}, by {listed.listed_by})",
                       code="already_listed", entry_id=listed.id, listed_by=listed.listed_by)
    entry = BlacklistEntry(kind=kind, value=value, shown=shown.strip(), reason=reason, listed_by=by, listed_at=now)
    uow.session.add(entry)
    uow.session.flush()
    return entry


def unlist(uow, entry_id, reason, by, now):
    """Take an entry off the list, keeping who, when and why on it."""
    entry = storage.blacklist_entry(uow.session, entry_id, lock=True)
    if entry is None:
        raise NotFound(f"no blacklist entry {entry_id}", code="unknown_entry")
    if entry.unlisted_at is not None:
        raise Conflict(f"entry {entry_id} was taken off the list by {entry.unlisted_by}", code="already_unlisted",
                       unlisted_by=entry.unlisted_by, unlisted_at=to_iso(entry.unlisted_at))
    entry.unlisted_by, entry.unlisted_at, entry.unlist_reason = by, now, reason
    return entry


def entry_body(entry):
    return {"id": entry.id, "kind": entry.kind, "value": entry.shown, "normalised": entry.value,
            "reason": entry.reason, "listed_by": entry.listed_by, "listed_at": to_iso(entry.listed_at),
            "unlisted_by": entry.unlisted_by, "unlisted_at": to_iso(entry.unlisted_at) if entry.unlisted_at else None,
            "unlist_reason": entry.unlist_reason}


def audit(entries):
    """Who listed and unlisted what, newest first: `listed` and `unlisted` entries with `at`, `by`, `reason`."""
    rows = []
    for entry in entries:
        rows.append((entry.listed_at, entry.id, 0, {"action": "listed", "by": entry.listed_by,
                                                    "reason": entry.reason}, entry))
        if entry.unlisted_at:
            rows.append((entry.unlisted_at, entry.id, 1, {"action": "unlisted", "by": entry.unlisted_by,
                                                          "reason": entry.unlist_reason}, entry))
    rows.sort(key=lambda row: row[:3], reverse=True)
    return [{**item, "at": to_iso(at), "entry_id": entry.id, "kind": entry.kind, "value": entry.shown}
            for at, _, _, item, entry in rows]
