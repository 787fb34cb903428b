"""A request's JSON body, refused (400) when it is not UTF-8, not JSON, nested too deep or holds an
unpaired surrogate (`shared.json_input`, which the message consumers use too)."""
from shared.json_input import MAX_DEPTH, UnreadableJson, parse
from shared.web.errors import HttpError

MESSAGES = {
    "invalid_utf8": "the request body is not valid UTF-8",
    "invalid_json": "the request body is not valid JSON",
    "too_deeply_nested": f"the request body nests more than {MAX_DEPTH} levels deep",
    "invalid_text": "the request body holds text that is not valid Unicode (an unpaired surrogate)",
}


def parse_json_body(raw, max_depth=MAX_DEPTH):
    try:
        return parse(raw, max_depth, empty={})
    except UnreadableJson as exc:
        fields = {exc.field: [exc.reason]} if exc.field else None
        raise HttpError(400, exc.code, f"{MESSAGES[exc.code]}: {exc.reason}", fields=fields) from None
