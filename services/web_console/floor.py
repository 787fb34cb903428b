"""The warehouse floor's words: a scanner's refusal (code + params from the service) said in the page's
language, statuses in words and times in the company's zone (issue 19: no raw code, English sentence or UTC
time on a Chinese page)."""
from string import Formatter

from services.web_console import texts
from services.web_console.formatting import local

TIMES = ("voided_at", "handed_over_at")
WARNED = ("cancelled", "waiting_stock", "handed_over")   # a pick list a packer must not work on


def said(t, key, status_words, **params):
    """t(key, **params) with every placeholder filled (a service that left one out shows a blank, not a
    crash), times local, and `status` in words (`status_words`: "pick" or "shipment")."""
    fields = {name for text in texts.TEXTS.get(key, ()) for _, name, _, _ in Formatter().parse(text) if name}
    values = {name: "" if params.get(name) is None else params[name] for name in fields}
    for name in TIMES:
        if values.get(name):
            values[name] = local(values[name])
    if values.get("status"):
        values["status"] = t(f"{status_words}.{values['status']}")
    return t(key, **values)


def refusal(t, error, status_words):
    """A scan the service refused, as one sentence; None if this floor has no words for its code."""
    key = f"floor.refused.{error.code}"
    if key not in texts.TEXTS:
        return None
    return said(t, key, status_words, **error.details)


def warning(pick_list):
    """The text key of the warning a loaded pick list needs (cancelled, waiting for stock, gone), or None."""
    return f"floor.warn.{pick_list['status']}" if pick_list and pick_list["status"] in WARNED else None


def alarm(t, error, status_words):
    """What a station shows in red for a refusal: the floor's words, else the console's for the code, else a
    general sentence (never the service's English message)."""
    general = f"error.{error.code}"
    return refusal(t, error, status_words) or (t(general) if general in texts.TEXTS else t("error.unknown"))
