"""The dead-letter page words why a message failed from the consumer's technical reason (#19)."""
import pytest

from services.web_console import dead_letter_reasons, texts


@pytest.mark.parametrize("reason, kind", [
    ("schema validation failed: {'event_id': ['Missing data for required field.']}", "invalid"),
    ("not JSON: Expecting value: line 1 column 44 (char 43)", "unreadable"),
    ("not UTF-8: 'utf-8' codec can't decode byte 0xff", "unreadable"),
    ("message too large: 4200965 bytes > 1048576", "too_large"),
    ("compressed messages are refused (compression: 'application/x-bz2')", "compressed"),
    ("event_id reused with different content", "event_id_reused"),
    ("services.after_sales.orders.OrderNotYetKnown: order A-1 was never placed here", "not_known_yet"),
    ("shared.errors.PermanentFailure: something broke", "handler_failed"),
    ("", "unknown"), (None, "unknown"),
])
def test_each_reason_has_its_kind_and_the_kind_has_words(reason, kind):
    assert dead_letter_reasons.kind_of(reason) == kind
    assert f"dead_reason.{kind}" in texts.TEXTS


def test_every_kind_has_words():
    kinds = {code for _marker, code in dead_letter_reasons.KINDS} | {"handler_failed", "unknown"}
    assert sorted(k for k in kinds if f"dead_reason.{k}" not in texts.TEXTS) == []
