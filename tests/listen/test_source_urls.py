"""A source's URL options are checked when the source is built: `sources add` refuses other
schemes and malformed URLs before writing anything, and `sources test` on a source already
written with one says so in one line."""

from __future__ import annotations

import pytest

from escucha.cli import main
from escucha.config import SourceConfig

BAD = {
    "file:///etc/passwd": "only http://, https:// URLs are allowed, not 'file:///etc/passwd'",
    "ftp://ftp.example.org/feed": "only http://, https:// URLs are allowed",
    "gopher://example.org/": "only http://, https:// URLs are allowed",
    "http://example.org:99999/feed": "is not a valid URL: Port out of range 0-65535",
    "http://example.org:http/feed": "is not a valid URL",
    "http://example.org:0/feed": "has port 0",
    "http://[::1/feed": "is not a valid URL: Invalid IPv6 URL",
    "http://exa mple.org/feed": "has no valid host",
    "http:///feed": "has no valid host",
}


@pytest.mark.parametrize("url", sorted(BAD))
def test_sources_add_refuses_a_bad_url_and_writes_nothing(ws_factory, capsys, url):
    ws = ws_factory()
    before = (ws.path / "escucha.toml").read_text()
    assert main(["-w", str(ws.path), "sources", "add", "rss", url, "--name", "feed"]) == 1
    err = capsys.readouterr().err
    assert err == f"escucha: error: source 'feed' (rss) url: {err.split('url: ', 1)[1]}"
    assert BAD[url] in err and len(err.strip().splitlines()) == 1
    assert (ws.path / "escucha.toml").read_text() == before


def test_sources_add_checks_every_url_option(ws_factory, capsys):
    ws = ws_factory()
    args = ["-w", str(ws.path), "sources", "add", "mastodon", "https://m.example.org"]
    assert main([*args, "-o", "streaming_url=gopher://m.example.org"]) == 1
    assert "streaming_url: only http://, https://, ws://, wss:// URLs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:  # typer exits on success
        main([*args, "-o", "streaming_url=wss://streaming.m.example.org"])
    assert done.value.code == 0
    assert (
        'streaming_url = "wss://streaming.m.example.org"' in (ws.path / "escucha.toml").read_text()
    )


@pytest.mark.parametrize("url", ["http://example.org:99999/feed", "http://[::1/feed"])
def test_sources_test_on_a_malformed_url_prints_one_line(ws_factory, capsys, url):
    ws = ws_factory(SourceConfig("old", "rss", {"url": url}))
    assert main(["-w", str(ws.path), "sources", "test", "old"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("escucha: error: source 'old' (rss) url:")
