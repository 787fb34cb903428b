"""Who a customer is (§7: 营业执照全称 decides ownership), as a key.

A business is keyed by its registered name normalised so that the same company
typed differently is one customer: NFKC folds full-width to half-width (（）→ (),
Ｂ → B, full-width spaces), then case is folded and every space, punctuation mark
and symbol is dropped. Letters and digits are kept as they are, so two different
companies never collapse into one. A private buyer is keyed by customer id.
"""
import unicodedata

BUSINESS_PREFIX = "co:"
PRIVATE_PREFIX = "id:"
_DROPPED = ("P", "Z", "S", "C")   # punctuation, separators, symbols, control characters


def normalise_company_name(name):
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in _DROPPED)


def business_key(company_name):
    normalised = normalise_company_name(company_name)
    return BUSINESS_PREFIX + normalised if normalised else None


def private_key(customer_id):
    return PRIVATE_PREFIX + customer_id


def customer_key(customer_id, company):
    """The account a buyer's order belongs to: their company if they gave one, else themselves."""
    return business_key(company) or private_key(customer_id)


def is_business(key):
    return key.startswith(BUSINESS_PREFIX)
