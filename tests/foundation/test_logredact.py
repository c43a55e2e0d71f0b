"""Secrets in URLs never reach the HTTP libraries' logs."""

from __future__ import annotations

import logging

from escucha.logredact import redact_http_logs, redact_urls


def test_urls_lose_their_path_query_and_credentials():
    line = 'HTTP Request: POST https://bob:pw@hooks.example.org/services/T1/B2/s3cret?k=v "200"'
    assert redact_urls(line) == 'HTTP Request: POST https://hooks.example.org/… "200"'
    assert redact_urls("no url here") == "no url here"


def test_httpx_log_records_are_redacted(caplog):
    redact_http_logs()
    redact_http_logs()  # idempotent
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info("GET %s", "https://feeds.example.org/rss?api_key=K123")
    assert "K123" not in caplog.text and "feeds.example.org" in caplog.text
    assert len(logging.getLogger("httpx").filters) == 1
