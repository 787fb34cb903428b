"""Finding a known customer before claiming one (issue #19): a rep types part of a registered name,
a buyer's name, a phone number or a customer key, and is offered the customers it may mean, so a
typo does not make a second customer. No nameko here.

A match is by prefix (the registered name normalised as names.py does, so full-width, spaces and
punctuation don't matter; a buyer's name or phone; a key), by the name containing the text, or a
registered name spelled almost the same (one or two characters off: the typos that made second customers).
"""
from difflib import SequenceMatcher

from services.customer_retention import names, storage
from services.customer_retention.models import Account, Protection
from shared.timeutil import to_iso

LIMIT = 10
SIMILAR = 0.8          # SequenceMatcher ratio from which two normalised registered names count as a likely typo
MIN_PHONE_DIGITS = 3   # a shorter run of digits matches too many phones to help
BUYERS_SHOWN = 3       # a customer's latest buyers shown with it


def find_customers(session, text, limit=LIMIT):
    """Known customers `text` may mean, the closest first: [{customer_key, display_name, kind, phone, names,
    holder, expires_at, match}] where match is key, name, phone, contains or similar."""
    text = text.strip()
    if not text:
        return []
    folded = names.normalise_company_name(text)
    found = {}   # customer_key -> match, in the order found (best kinds of match first)

    def add(keys, match):
        for key in keys:
            found.setdefault(key, match)

    add(storage.account_keys_starting(session, text, limit), "key")
    if folded:
        add(storage.account_keys_starting(session, names.BUSINESS_PREFIX + folded, limit), "name")
        add(storage.keys_of_buyers_named(session, text, limit), "name")
        add(storage.business_keys_containing(session, folded, limit), "contains")
        add(_similar(session, folded, limit), "similar")
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= MIN_PHONE_DIGITS and len(digits) == len(text.replace(" ", "").replace("-", "")):
        add(storage.keys_of_phones(session, digits, limit), "phone")
    return [_view(session, key, match) for key, match in list(found.items())[:limit]]


def _similar(session, folded, limit):
    """Registered names spelled almost like `folded`, among those sharing its first two characters."""
    if len(folded) < 4:
        return []
    candidates = storage.account_keys_starting(session, names.BUSINESS_PREFIX + folded[:2])
    scored = [(SequenceMatcher(None, folded, key[len(names.BUSINESS_PREFIX):]).ratio(), key) for key in candidates]
    return [key for score, key in sorted(scored, reverse=True)[:limit] if score >= SIMILAR]


def _view(session, key, match):
    account = session.get(Account, key)
    buyers = storage.recent_buyers(session, key, BUYERS_SHOWN)
    holder = session.get(Protection, key)
    return {"customer_key": key, "display_name": account.display_name, "kind": account.kind,
            "phone": buyers[0].phone if buyers else None, "names": [buyer.name for buyer in buyers],
            "holder": holder.rep if holder else None,
            "expires_at": to_iso(holder.expires_at) if holder else None, "match": match}
