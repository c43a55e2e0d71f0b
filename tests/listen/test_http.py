"""The shared HTTP client against a local server: rate limits, server errors, timeouts, budgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from escucha.listen.http import (
    AuthFailed,
    BudgetExhausted,
    HttpClient,
    HttpOptions,
    NotFound,
    SourceError,
    rate_limit_delay,
)

from .conftest import FakeServer, Reply

OK = Reply(200, {"ok": True})


def client(sleeps, **options) -> HttpClient:
    opts = HttpOptions(allow_private_networks=True, **options)
    return HttpClient("forum", opts, sleep=sleeps)


def test_429_waits_as_long_as_retry_after_says(server, sleeps):
    server.route("/x", Reply(429, {"error": "slow down"}, {"Retry-After": "7"}), OK)
    with client(sleeps) as http:
        assert http.get_json(server.url + "/x") == {"ok": True}
    assert sleeps == [7.0]
    assert len(server.hits("/x")) == 2


def test_429_with_an_http_date_or_reset_headers(server, sleeps):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    reset_epoch = str(int(datetime.now(UTC).timestamp()) + 12)
    server.route(
        "/x",
        Reply(429, headers={"Retry-After": later}),
        Reply(429, headers={"X-RateLimit-Reset": reset_epoch}),
        Reply(429, headers={"RateLimit-Reset": "4"}),
        OK,
    )
    with client(sleeps) as http:
        http.get_json(server.url + "/x")
    assert 27 <= sleeps[0] <= 30
    assert 10 <= sleeps[1] <= 12
    assert sleeps[2] == 4.0


def test_mastodon_style_iso_reset_is_understood():
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC).timestamp()
    delay = rate_limit_delay({"X-RateLimit-Reset": "2025-06-01T12:05:00.000Z"}, now=now)
    assert delay == 300.0


def test_server_errors_are_retried_with_capped_jittered_backoff(server, sleeps):
    server.route("/x", Reply(500), Reply(502), Reply(503), Reply(504), OK)
    with client(sleeps, backoff_base=1.0, backoff_cap=3.0) as http:
        assert http.get_json(server.url + "/x") == {"ok": True}
    assert len(sleeps) == 4
    for attempt, slept in enumerate(sleeps):
        assert 0 <= slept <= min(3.0, 2**attempt)


def test_a_server_that_keeps_failing_is_one_clear_error(server, sleeps):
    server.route("/x", Reply(503))
    with client(sleeps, max_retries=3) as http, pytest.raises(SourceError) as err:
        http.get(server.url + "/x")
    assert str(err.value) == (f"forum: {server.url}/x answered 503 (gave up after 4 attempts)")
    assert len(server.hits("/x")) == 4 and len(sleeps) == 3


def test_timeouts_are_retried(server, sleeps):
    server.route("/x", Reply(200, {"late": True}, delay=1.0), OK)
    with client(sleeps, timeout=0.2) as http:
        assert http.get_json(server.url + "/x") == {"ok": True}
    assert len(sleeps) == 1


def test_malformed_json_is_retried_then_fails_clearly(server, sleeps):
    server.route("/x", Reply(200, '{"posts": [1, 2'), OK)
    with client(sleeps) as http:
        assert http.get_json(server.url + "/x") == {"ok": True}
    server.route("/y", Reply(200, "<html>maintenance</html>"))
    with client(sleeps, max_retries=2) as http, pytest.raises(SourceError) as err:
        http.get_json(server.url + "/y")
    assert "malformed JSON from" in str(err.value) and "gave up after 3 attempts" in str(err.value)


@pytest.mark.parametrize("status", [401, 403])
def test_an_expired_token_is_a_clear_error_without_retries(server, sleeps, status):
    server.route("/x", Reply(status, {"errors": ["invalid_access_token"]}))
    with client(sleeps) as http, pytest.raises(AuthFailed) as err:
        http.get(server.url + "/x")
    assert str(err.value).startswith(f"forum: {server.url}/x answered {status}: the token")
    assert len(server.hits("/x")) == 1 and sleeps == []


def test_the_request_budget_caps_a_run(server, sleeps):
    server.route("/x", OK)
    with client(sleeps, request_budget=2) as http:
        http.get(server.url + "/x")
        http.get(server.url + "/x")
        with pytest.raises(BudgetExhausted, match="request budget of 2"):
            http.get(server.url + "/x")
    assert len(server.hits("/x")) == 2


def test_a_rate_limit_longer_than_max_wait_fails_instead_of_hanging(server, sleeps):
    server.route("/x", Reply(429, headers={"Retry-After": "86400"}))
    with (
        client(sleeps, max_wait=60) as http,
        pytest.raises(SourceError, match="more than max_wait"),
    ):
        http.get(server.url + "/x")
    assert sleeps == []


def test_credentials_are_not_sent_to_another_host_after_a_redirect(server, sleeps):
    with FakeServer() as other:
        other.route("/landing", OK)
        server.route("/x", Reply(302, headers={"Location": other.url + "/landing"}))
        options = HttpOptions(allow_private_networks=True)
        headers = {"Api-Key": "s3cret"}
        with HttpClient("forum", options, headers=headers, sleep=sleeps) as http:
            http.get(server.url + "/x")
        assert server.hits("/x")[0].headers["Api-Key"] == "s3cret"
        assert "Api-Key" not in other.hits("/landing")[0].headers


def test_options_come_from_the_source_config():
    opts = HttpOptions.from_options({"timeout": 5, "request_budget": "50", "url": "x"})
    assert (opts.timeout, opts.request_budget, opts.max_redirects) == (5.0, 50, 5)
    from escucha.errors import UserError

    with pytest.raises(UserError, match="'allow_private_networks' must be true or false"):
        HttpOptions.from_options({"allow_private_networks": "yes"})


def test_one_mapping_of_statuses_to_errors():
    from escucha.listen.http import AuthFailed, Retry, SourceError, status_error

    assert status_error("s", 200, "here") is None and status_error("s", 304, "here") is None
    limited = status_error("s", 429, "here", headers={"Retry-After": "7"})
    assert isinstance(limited, Retry) and (limited.reason, limited.delay) == (
        "here answered 429",
        7.0,
    )
    assert isinstance(status_error("s", 501, "here"), Retry)
    refused = status_error("s", 403, "here")
    assert isinstance(refused, AuthFailed) and str(refused).startswith("s: here answered 403: ")
    assert str(status_error("s", 401, "here", says={401: "go away"})) == "s: go away"
    missing = status_error("s", 404, "here")
    assert type(missing) is NotFound and str(missing) == "s: here answered 404"
    assert isinstance(missing, SourceError) and type(status_error("s", 410, "x")) is NotFound
    other = status_error("s", 409, "here")
    assert type(other) is SourceError and str(other) == "s: here answered 409"
