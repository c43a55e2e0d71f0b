"""What one request may cost: ids beyond 64 bits, absurd dates, deep or long queries, slow
queries, and too many requests from one token or user are clear 4xx/503 answers, never 500s;
the result cache is bounded by memory."""

from __future__ import annotations

import pandas as pd
import pytest

from escucha.config import ConfigError, WebLimits, parse_config
from escucha.web.cache import VersionedCache, approx_size

from .conftest import bearer, csrf_of, make_client

TOO_BIG = str(2**63)  # one more than the largest id either database stores
DEEP = "(" * 198 + "a" + ")" * 198  # the 397 characters
EXCLUDED = " ".join(f"-{i}" for i in range(200))  # the 200 excluded words


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/posts/{TOO_BIG}", None),
        ("patch", f"/api/v1/ideas/{TOO_BIG}", {"status": "open"}),
        ("delete", f"/api/v1/tokens/{TOO_BIG}", None),
        ("get", f"/api/v1/contacts/{TOO_BIG}", None),
        ("get", f"/api/v1/inbox/{TOO_BIG}/thread", None),
        ("post", f"/api/v1/drafts/{TOO_BIG}/publish", None),
        ("post", "/api/v1/drafts", {"post_id": 2**64, "text": "hola"}),
        ("get", f"/api/v1/ledger?contact_id={TOO_BIG}", None),
    ],
)
def test_an_id_beyond_64_bits_is_a_422_on_the_api(client, env, method, path, body):
    headers = bearer(env.tokens["ana-write"])
    answer = client.request(method, path, headers=headers, json=body)
    assert answer.status_code == 422, answer.text
    assert "less than or equal to 9223372036854775807" in answer.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/posts/{TOO_BIG}"),
        ("get", f"/explore?page={TOO_BIG}"),
        ("get", f"/ideas/{TOO_BIG}"),
        ("get", f"/contacts/{TOO_BIG}"),
        ("post", f"/ideas/{TOO_BIG}/status"),
        ("post", f"/ideas/{TOO_BIG}/unmerge"),
        ("post", f"/account/tokens/{TOO_BIG}/revoke"),
        ("post", f"/contacts/{TOO_BIG}/unmerge"),
    ],
)
def test_an_id_beyond_64_bits_is_a_clear_page_not_a_500(admin, method, path):
    headers = {"x-csrf-token": csrf_of(admin, "/")}
    page = admin.request(method, path, headers=headers, data={"status": "open"})
    assert page.status_code == 400, page.text
    assert "not a valid value" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("day", ["0", "1", "1700000000", "0001-01-01", "9999-12-31", "2017-02-30"])
def test_absurd_dates_are_a_422(client, env, day):
    headers = bearer(env.tokens["ana-read"])
    for name in ("date_from", "date_to"):
        answer = client.get("/api/v1/posts", params={name: day}, headers=headers)
        assert answer.status_code == 422, (name, day, answer.text)


def test_a_day_and_an_empty_day_still_filter(client, env):
    headers = bearer(env.tokens["ana-read"])
    answer = client.get(
        "/api/v1/posts", params={"date_from": "2017-11-20", "date_to": ""}, headers=headers
    )
    assert answer.status_code == 200 and answer.json()["total"] > 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/posts", "more than 50 nested parentheses or NOTs at position 50"),
        ("/api/v1/posts/export", "more than 50 nested parentheses or NOTs at position 50"),
        ("/api/v1/themes", "more than 50 nested parentheses or NOTs at position 50"),
        ("/api/v1/share-of-voice", "more than 50 nested parentheses or NOTs at position 50"),
    ],
)
def test_a_deep_query_is_a_400_with_its_position(client, env, path, message):
    answer = client.get(path, params={"q": DEEP}, headers=bearer(env.tokens["ana-read"]))
    assert answer.status_code == 400
    assert answer.json()["detail"]["message"].startswith(message)
    assert answer.json()["detail"]["position"] == 50


def test_too_many_excluded_words_is_a_400(client, env):
    answer = client.get(
        "/api/v1/posts", params={"q": EXCLUDED}, headers=bearer(env.tokens["ana-read"])
    )
    assert answer.status_code == 400
    assert answer.json()["detail"]["message"].startswith("more than 100 words, phrases and fields")


@pytest.mark.parametrize("path", ["/explore", "/themes"])
def test_a_deep_query_is_a_clear_error_on_the_pages(analyst, path):
    page = analyst.get(path, params={"q": DEEP})
    assert page.status_code == 400
    assert "more than 50 nested parentheses or NOTs at position 50" in page.text


@pytest.fixture(scope="module")
def limited(env):
    """The app with a tiny time budget and request rate."""
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    limits = WebLimits(query_seconds=1e-9, token_requests_per_minute=3, user_requests_per_minute=4)
    return create_app(env.workspace, WebSettings(limits=limits))


def test_a_query_past_its_time_budget_is_a_503(limited, env):
    answer = make_client(limited).get(
        "/api/v1/posts", params={"q": "vuelo OR flight"}, headers=bearer(env.tokens["vic-read"])
    )
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("the query took longer than 1e-09 s and was stopped")


def test_too_many_requests_from_a_token_or_a_user_are_429_with_retry_after(limited, env):
    client = make_client(limited)
    read, write = bearer(env.tokens["ana-read"]), bearer(env.tokens["ana-write"])
    assert [client.get("/api/v1/me", headers=read).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/me", headers=read)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["detail"].startswith("too many requests")
    assert client.get("/api/v1/me", headers=write).status_code == 200  # the user's 4th
    assert client.get("/api/v1/me", headers=write).status_code == 429  # the user's 5th
    assert client.get("/api/v1/me", headers=bearer(env.tokens["vic-read"])).status_code == 200


def test_the_cache_is_bounded_by_memory() -> None:
    frame = pd.DataFrame({"text": ["x" * 1000] * 100})  # about 100 kB
    size = approx_size(frame)
    assert 100_000 <= size < 200_000
    assert approx_size(tuple(range(22_000))) > 22_000 * 8
    cache = VersionedCache(maxsize=100, max_bytes=int(size * 2.5))
    for key in "abc":
        cache.get(key, 1, lambda: frame.copy())
    assert len(cache) == 2 and cache.nbytes <= cache.max_bytes  # "a" went first
    calls = []
    cache.get("b", 1, lambda: calls.append(1))
    assert calls == []  # still cached
    cache.get("a", 1, lambda: calls.append(1) or frame)
    assert calls == [1]  # computed again
    huge = pd.DataFrame({"text": ["x" * 1000] * 1000})
    assert cache.get("huge", 1, lambda: huge) is huge and len(cache) == 2  # not kept


def test_web_limits_are_read_from_the_config() -> None:
    config = parse_config(
        {"web": {"query_seconds": 2, "cache_mb": 64, "token_requests_per_minute": 30}}, "x.toml"
    )
    assert config.web == WebLimits(query_seconds=2.0, cache_mb=64, token_requests_per_minute=30)
    with pytest.raises(ConfigError, match=r"x.toml \[web\]: 'cache_mb' must be a whole number"):
        parse_config({"web": {"cache_mb": 0}}, "x.toml")
    with pytest.raises(ConfigError, match="unknown key 'rate'"):
        parse_config({"web": {"rate": 1}}, "x.toml")
