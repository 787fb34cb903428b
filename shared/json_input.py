"""Reading JSON that came from outside (a message body, a request body) without trusting it.

JSON text is UTF-8 (RFC 8259), whatever a content type or encoding header claims. Beyond what
`json.loads` checks, a document is refused when it nests deeper than a real one ever does (deep
nesting made marshmallow and the contract fast path recurse until they crashed), and when it holds
an unpaired surrogate (`"\\ud800"` parses to a Python string that no database or UTF-8 encoder
accepts, so one consumer stored it and another crashed on it)."""
import json
import re

MAX_DEPTH = 32
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableJson(ValueError):
    """`code`: invalid_utf8, invalid_json, too_deep or invalid_text; `reason`: what a person reads."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code, self.reason = code, reason


def parse(raw, max_depth=MAX_DEPTH):
    """bytes -> the JSON value, or UnreadableJson saying why not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableJson("invalid_utf8", f"not UTF-8: {exc}") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise UnreadableJson("too_deep", f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise UnreadableJson("invalid_json", f"not JSON: {exc}") from None
    # Both walks are skipped for ordinary documents: too few brackets to be deep, no escaped surrogate.
    if raw.count(b"[") + raw.count(b"{") > max_depth:
        _check_depth(value, max_depth)
    if _ESCAPED_SURROGATE.search(raw):
        _check_text(value)
    return value


def _children(value):
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else ()


def _check_depth(value, max_depth):
    level, depth = [value], 0
    while level:
        containers = [item for item in level if isinstance(item, (dict, list))]
        if not containers:
            return
        depth += 1
        if depth > max_depth:
            raise UnreadableJson("too_deep", f"nested deeper than {max_depth} levels")
        level = [child for item in containers for child in _children(item)]


def _check_text(value):
    pending = [value]
    while pending:
        item = pending.pop()
        texts = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else ()
        for text in texts:
            if _LONE_SURROGATE.search(text):
                raise UnreadableJson("invalid_text", f"text with an unpaired surrogate is not valid Unicode: "
                                                     f"{text[:40]!r}")
        pending.extend(_children(item))
