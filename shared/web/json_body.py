"""A request's JSON body, refused (400) when it is not UTF-8, not JSON, or nested too deep.

Deep nesting is refused before anything recursive sees it: json, marshmallow's nested fields and
contracts.fastpath all recurse per level, and a RecursionError would be a 500."""
import json
import re

from shared.web.errors import HttpError

MAX_DEPTH = 32     # levels of objects and lists, the body itself being the first; ours use four at most

# A JSON string (skipped whole, so brackets inside it are text) or a bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_KEY_END = re.compile(r"\s*:")


def parse_json_body(raw, max_depth=MAX_DEPTH):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "invalid_utf8", "the request body is not valid UTF-8") from None
    if text.count("[") + text.count("{") > max_depth:     # cheap: only then can it nest that deep
        field = too_deep(text, max_depth)
        if field is not None:
            raise HttpError(400, "too_deeply_nested", f"the request body nests more than {max_depth} levels deep",
                            fields={field: [f"nested more than {max_depth} levels deep"]})
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise HttpError(400, "invalid_json", f"the request body is not valid JSON: {exc}") from None


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
