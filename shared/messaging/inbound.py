"""What a consumer reads from a delivery before any worker runs, trusting none of it: the body,
the attempt count in its headers, and a fingerprint of its content for the inbox."""
import hashlib
import json

from shared.json_input import UnreadableJson, parse

ATTEMPTS_HEADER = "x-attempts"
MAX_ATTEMPTS_HEADER = 1000


class Unreadable(Exception):
    """The message can never be processed: dead-letter it at once, with `reason`."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_json(message, max_bytes):
    """The body as JSON, whatever the message's content type claims; Unreadable says why not."""
    if getattr(message, "refused_compression", None) is not None:
        raise Unreadable(f"compressed messages are refused (compression: "
                         f"{str(message.refused_compression)[:100]}); kept as sent")
    body = message.body
    if isinstance(body, str):   # a transport that decoded it: back to the bytes that were sent
        body = body.encode("utf-8", "surrogatepass")
    if len(body or b"") > max_bytes:
        raise Unreadable(f"message too large: {len(body)} bytes > {max_bytes}")
    try:
        return parse(body or b"")
    except UnreadableJson as exc:
        raise Unreadable(exc.reason) from None


def attempts_made(headers):
    """How many attempts a message has had, from its `x-attempts` header. A publisher controls the
    header: anything but a whole number in range counts as none (`"zzz"`, `-100`, `True`, `1.5`)."""
    value = (headers or {}).get(ATTEMPTS_HEADER, 0) if isinstance(headers, dict) else 0
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ATTEMPTS_HEADER:
        return value
    return 0


def fingerprint(document):
    """The same content gives the same fingerprint however it was serialised (key order, spacing)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
