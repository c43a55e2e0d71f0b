"""RSS and Atom from a local web server: complete, idempotent, conditional, SSRF-guarded."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.store.schema import raw_payloads, source_rejects, source_state

from .conftest import Reply, data_file, stored


def rss(url: str, **options) -> SourceConfig:
    return SourceConfig("blog", "rss", {"url": url, "allow_private_networks": True, **options})


def test_a_real_rss_file_is_collected_completely_and_once(server, ws_factory):
    server.route("/feed/", Reply(body=data_file("feed.rss"), headers={"ETag": '"v1"'}))
    config = rss(server.url + "/feed/")
    ws = ws_factory(config)

    first = collect(ws, config)
    assert (first.status, first.new, first.rejected) == ("ok", 4, 1)
    rows = stored(ws)
    ids = [r[0] for r in rows]
    assert ids == [
        "https://viajes.example.org/2025/06/10/facturar/",  # no guid: the link is the id
        "https://viajes.example.org/?p=1027",
        "https://viajes.example.org/?p=1029",
        "https://viajes.example.org/?p=1031",
    ]
    text = dict((r[0], r[1]) for r in rows)["https://viajes.example.org/?p=1031"]
    assert text == (
        "Iberia pierde mi maleta otra vez\n\nTercera vez este año que Iberia pierde mi maleta "
        "en Barajas."
    )
    assert "alert" not in "".join(r[1] for r in rows) and "<" not in "".join(r[1] for r in rows)

    second = collect(ws, config)
    assert (second.new, second.duplicate) == (0, 4)
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(raw_payloads)) == 4
        reasons = conn.execute(sa.select(source_rejects.c.reason, source_rejects.c.location)).all()
    # the entry rejected by the first poll is not stored again by the second
    assert reasons == [("record has no id", f"{server.url}/feed/ entry #4")]
    assert (second.rejected, len(load_cursor(ws.engine, "blog")["rejected"])) == (0, 1)


def test_a_real_atom_file_keeps_dates_authors_and_language(server, ws_factory):
    server.route("/atom.xml", Reply(body=data_file("feed.atom")))
    config = rss(server.url + "/atom.xml")
    ws = ws_factory(config)
    assert collect(ws, config).new == 3
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT native_id, text, author_handle, lang_hint, created_at "
                "FROM posts ORDER BY native_id"
            )
        ).all()
    first = rows[0]
    assert first[0] == "tag:travel.example.com,2025:post-100"
    assert first[1] == "I wish Delta had more legroom\n\nEconomy seats are getting smaller."
    assert first[2] == "mary" and first[3] == "en"
    assert str(first[4]).startswith("2025-06-15 20:00:00")
    assert rows[1][1] == ("United lost my bag & nobody answers\n\nWaited three hours at O'Hare.")


def test_an_entry_dated_in_year_0_is_rejected_and_the_rest_of_the_feed_is_kept(server, ws_factory):
    # No ETag, no Last-Modified: every poll reads the whole feed again.
    server.route("/atom.xml", Reply(body=data_file("feed-year0.atom")))
    config = rss(server.url + "/atom.xml")
    ws = ws_factory(config)
    first = collect(ws, config)
    assert (first.status, first.new, first.rejected) == ("ok", 3, 1), first.message
    second = collect(ws, config)
    assert (second.status, second.new, second.duplicate, second.rejected) == ("ok", 0, 3, 0)
    with ws.engine.connect() as conn:
        rejects = conn.execute(sa.select(source_rejects.c.reason, source_rejects.c.location)).all()
    assert rejects == [
        (
            "updated date out of range: '0001-01-01T00:00:00+01:00'",
            f"{server.url}/atom.xml entry #2",
        )
    ]
    assert "tag:travel.example.com,2025:post-0" not in [r[0] for r in stored(ws)]


def test_conditional_get_sends_the_saved_validators_and_304_adds_nothing(server, ws_factory):
    server.route(
        "/feed/",
        Reply(
            body=data_file("feed.rss"),
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 16 Jun 2025 09:12:00 GMT"},
        ),
        Reply(status=304),
    )
    config = rss(server.url + "/feed/")
    ws = ws_factory(config)
    assert collect(ws, config).new == 4
    with ws.engine.connect() as conn:
        payload = json.loads(conn.scalar(sa.select(source_rejects.c.payload)))
    rejected_key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    assert load_cursor(ws.engine, "blog") == {
        "etag": '"v1"',
        "last_modified": "Mon, 16 Jun 2025 09:12:00 GMT",
        "rejected": [rejected_key],
    }
    again = collect(ws, config)
    assert (again.status, again.fetched, again.new) == ("ok", 0, 0), again.message
    sent = server.hits("/feed/")[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 16 Jun 2025 09:12:00 GMT"
    assert load_cursor(ws.engine, "blog")["etag"] == '"v1"'  # a 304 keeps the validators


def test_private_addresses_are_refused_unless_allowed(server, ws_factory):
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    config = SourceConfig("blog", "rss", {"url": server.url + "/feed/"})
    ws = ws_factory(config)
    result = collect(ws, config)
    assert result.status == "error"
    assert "127.0.0.1" in result.message and "allow_private_networks" in result.message
    assert server.seen == []  # refused before any request left
    with ws.engine.connect() as conn:
        assert "private or reserved" in conn.scalar(sa.select(source_state.c.last_error))


def test_a_redirect_to_a_private_address_is_refused(monkeypatch, server, ws_factory):
    from escucha.listen import http

    # The feed host "looks" public; it redirects to the loopback address, which must be refused.
    checked = []

    def fake_check(url: str, source: str) -> None:
        checked.append(url)
        if "127.0.0.1" in url:
            raise http.SourceError(f"{source}: {url} resolves to a private or reserved address")

    monkeypatch.setattr(http, "check_public_host", fake_check)
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    config = SourceConfig("blog", "rss", {"url": "http://localhost.test/feed/"})
    monkeypatch.setattr(
        http.HttpClient,
        "_send",
        lambda self, request: __import__("httpx").Response(
            302, headers={"location": server.url + "/feed/"}, request=request
        ),
    )
    result = collect(ws_factory(config), config)
    assert result.status == "error" and "private or reserved" in result.message
    assert checked == ["http://localhost.test/feed/", server.url + "/feed/"]


def test_redirects_are_followed_up_to_the_cap(server, ws_factory):
    server.route("/old", Reply(301, headers={"Location": "/feed/"}))
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    ok = rss(server.url + "/old")
    ws = ws_factory(ok)
    assert collect(ws, ok).new == 4
    looping = rss(server.url + "/loop", max_redirects=3)
    result = collect(ws, looping)
    assert result.status == "error" and "more than 3 redirects" in result.message
    assert len(server.hits("/loop")) == 4


def test_a_feed_larger_than_the_cap_is_refused(server, ws_factory):
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    config = rss(server.url + "/feed/", max_bytes=1000)
    result = collect(ws_factory(config), config)
    assert result.status == "error" and "larger than max_bytes (1,000)" in result.message


def test_a_page_that_is_not_a_feed_is_a_clear_error(server, ws_factory):
    server.route("/feed/", Reply(body="<html><body>Not found, sorry", headers={}))
    config = rss(server.url + "/feed/")
    result = collect(ws_factory(config), config)
    assert result.status == "error" and "is not a readable feed" in result.message
