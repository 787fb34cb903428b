"""Reading JSON that came from outside (a message body, a request body) without trusting it.

JSON text is UTF-8 (RFC 8259), whatever a content type or encoding header claims. Beyond what
`json.loads` checks, a document is refused when it nests deeper than a real one ever does (json,
marshmallow's nested fields and contracts.fastpath all recurse per level: a RecursionError would
crash the reader), and when it holds an unpaired surrogate (`"\\ud800"` parses to a Python string
that no database or UTF-8 encoder accepts, so one consumer stored it and another crashed on it)."""
import json
import re

MAX_DEPTH = 32     # levels of objects and lists, the document itself being the first; ours use four at most

# A JSON string (skipped whole, so brackets inside it are text) or a bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_KEY_END = re.compile(r"\s*:")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableJson(ValueError):
    """`code`: invalid_utf8, invalid_json, too_deeply_nested or invalid_text; `reason`: what a person
    reads; `field`: the top-level key under which a document nests too deep ("_body" if none)."""

    def __init__(self, code, reason, field=None):
        super().__init__(reason)
        self.code, self.reason, self.field = code, reason, field


def parse(raw, max_depth=MAX_DEPTH, empty=None):
    """bytes -> the JSON value (`empty` for a blank document, if given), or UnreadableJson."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableJson("invalid_utf8", f"not UTF-8: {exc}") from None
    if text.count("[") + text.count("{") > max_depth:     # cheap: only then can it nest that deep
        field = too_deep(text, max_depth)
        if field is not None:
            raise UnreadableJson("too_deeply_nested", f"nested more than {max_depth} levels deep", field)
    if empty is not None and not text.strip():
        return empty
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UnreadableJson("invalid_json", f"not JSON: {exc}") from None
    if _ESCAPED_SURROGATE.search(text):                   # only an escape can make a lone surrogate
        _check_text(value)
    return value


def too_deep(text, max_depth):
    """The top-level key under which `text` nests deeper than `max_depth` ("_body" when it is not
    under a key), or None. Reads the text without recursion, whatever its depth."""
    depth, key = 0, "_body"
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark[0] == '"':
            if depth == 1 and _KEY_END.match(text, token.end()):
                key = _key(mark)
        elif mark in "[{":
            depth += 1
            if depth > max_depth:
                return key
        else:
            depth -= 1
            if depth <= 0:
                depth, key = 0, "_body"
    return None


def _key(quoted):
    try:
        return json.loads(quoted)
    except ValueError:
        return quoted.strip('"')


def _children(value):
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else ()


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
