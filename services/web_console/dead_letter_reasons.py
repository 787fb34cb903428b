"""Why a message was dead-lettered, as a code the page words: the consumer's reason is a technical
sentence (an exception, a schema's messages) for whoever fixes it, not for the page's reader."""

# (what the reason starts with or contains, its code), first match wins
KINDS = (
    ("compressed messages are refused", "compressed"),
    ("message too large", "too_large"),
    ("not UTF-8", "unreadable"),
    ("not JSON", "unreadable"),
    ("Invalid input type", "unreadable"),
    ("schema validation failed", "invalid"),
    ("event_id reused", "event_id_reused"),
    ("retired consumer", "retired_consumer"),
    ("delivery limit", "delivery_limit"),
    ("NotYetKnown", "not_known_yet"),
    ("NotKnownYet", "not_known_yet"),
)


def kind_of(reason):
    reason = reason or ""
    return next((code for marker, code in KINDS if marker in reason), "handler_failed" if reason else "unknown")
