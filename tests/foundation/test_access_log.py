"""eventlet's access log is off unless asked for (shared.web.endpoint.access_log_enabled)."""
import logging

import requests

from shared.web.endpoint import access_log_enabled


def test_the_switch_reads_the_config_first_then_the_environment(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    assert not access_log_enabled({}) and access_log_enabled({"ACCESS_LOG": "true"})
    monkeypatch.setenv("ACCESS_LOG", "1")
    assert access_log_enabled({}) and not access_log_enabled({"ACCESS_LOG": False})


def test_with_the_access_log_on_each_request_is_logged(start_sample, caplog):
    service = start_sample(ACCESS_LOG=True)
    with caplog.at_level(logging.INFO, logger="nameko.web.server"):
        assert requests.get(service.url("/openapi.json"), timeout=10).status_code == 200
    assert any('"GET /openapi.json HTTP/1.1" 200' in record.getMessage() for record in caplog.records)


def test_by_default_a_request_leaves_no_access_log_line(start_sample, monkeypatch, caplog):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    service = start_sample()
    with caplog.at_level(logging.INFO, logger="nameko.web.server"):
        assert requests.get(service.url("/openapi.json"), timeout=10).status_code == 200
    assert not any("GET /openapi.json" in record.getMessage() for record in caplog.records)
