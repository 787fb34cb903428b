"""A request's JSON body: nesting is measured without recursion, and strings are not nesting (#16 item 7)."""
import json

import pytest

from shared.web.errors import HttpError
from shared.json_input import MAX_DEPTH, too_deep
from shared.web.json_body import parse_json_body


def nest(depth):
    return "[" * depth + "]" * depth


def test_the_depth_is_counted_from_the_body_and_names_the_top_level_key():
    assert too_deep(nest(MAX_DEPTH), MAX_DEPTH) is None
    assert too_deep(nest(MAX_DEPTH + 1), MAX_DEPTH) == "_body"
    assert too_deep('{"a": 1, "lines": %s}' % nest(MAX_DEPTH - 1), MAX_DEPTH) is None
    assert too_deep('{"a": 1, "lines": %s, "b": 2}' % nest(MAX_DEPTH), MAX_DEPTH) == "lines"
    assert too_deep('{"a": %s, "b": %s}' % (nest(3), nest(MAX_DEPTH)), MAX_DEPTH) == "b"
    assert too_deep('{"l\\"i": %s}' % nest(MAX_DEPTH), MAX_DEPTH) == 'l"i'


def test_brackets_and_escaped_quotes_inside_strings_are_text():
    text = json.dumps({"note": '\\"[' * 100, "x": ["[{" * 50]})
    assert too_deep(text, MAX_DEPTH) is None
    assert parse_json_body(text.encode())["note"].startswith('\\"[')


def test_a_body_far_deeper_than_the_interpreter_recurses_is_a_400_not_a_recursion_error():
    for depth in (MAX_DEPTH + 1, 10 ** 6):
        with pytest.raises(HttpError) as refused:
            parse_json_body(('{"lines": %s}' % nest(depth)).encode())
        assert (refused.value.status, refused.value.code) == (400, "too_deeply_nested")
        assert list(refused.value.fields) == ["lines"]


def test_other_bodies_are_read_as_before():
    assert parse_json_body(b"") == {}
    assert parse_json_body(('{"a": %s}' % nest(MAX_DEPTH - 1)).encode()) == {"a": json.loads(nest(MAX_DEPTH - 1))}
    for raw, code in ((b"\xff", "invalid_utf8"), (b"{", "invalid_json")):
        with pytest.raises(HttpError) as refused:
            parse_json_body(raw)
        assert refused.value.code == code


def test_an_unpaired_surrogate_is_refused_and_a_pair_is_text():
    with pytest.raises(HttpError) as refused:
        parse_json_body(b'{"note": "\\ud800 broken"}')
    assert (refused.value.status, refused.value.code) == (400, "invalid_text")
    assert parse_json_body(b'{"note": "\\ud83d\\ude00"}') == {"note": "\U0001F600"}
