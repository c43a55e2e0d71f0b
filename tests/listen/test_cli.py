"""`escucha sources ...` and `escucha listen`, in process and as a process killed mid-way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import tomllib

import pytest
from typer.testing import CliRunner

from escucha.config import SourceConfig
from escucha.core.secrets import credentials_for, env_name
from escucha.errors import UserError

from .conftest import Reply, cli_app, data_file, escucha_cmd, stored
from .fake_discourse import FakeForum


def run(ws, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli_app(), ["--workspace", str(ws.path), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_add_list_test_remove_an_rss_source(server, ws_factory):
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    ws = ws_factory()
    url = server.url + "/feed/"
    out = run(ws, "sources", "add", "rss", url, "--name", "blog", "--allow-private-networks")
    assert "added rss source 'blog'" in out.output
    written = tomllib.loads((ws.path / "escucha.toml").read_text())["sources"]
    assert written == [{"name": "blog", "kind": "rss", "url": url, "allow_private_networks": True}]

    tested = run(ws, "sources", "test", "blog").output
    assert "blog: first page has 4 item(s), 4 new, 1 rejected (nothing stored)" in tested
    assert "https://viajes.example.org/?p=1031: Iberia pierde mi maleta" in tested
    assert stored(ws) == []

    once = run(ws, "listen", "--once").output
    assert once.strip() == ("blog (rss): 4 new, 0 already stored, 1 rejected in 1 page(s)")
    listing = run(ws, "sources", "list").output
    assert "blog (rss) " + url in listing and "collected 4, rejected 1" in listing
    assert "coverage: only the entries the feed currently lists" in listing

    run(ws, "sources", "remove", "blog")
    assert "sources" not in tomllib.loads((ws.path / "escucha.toml").read_text())
    assert len(stored(ws)) == 4


def test_credentials_are_refused_as_options_and_unknown_kinds_are_named(ws_factory):
    ws = ws_factory()
    bad = run(ws, "sources", "add", "discourse", "https://f.example", "-o", "api_key=x", ok=False)
    assert isinstance(bad.exception, UserError)
    assert "credentials never go in escucha.toml" in str(bad.exception)
    unknown = run(ws, "sources", "add", "myspace", "x", ok=False)
    assert "unknown source kind 'myspace'" in str(unknown.exception)


def test_listen_once_reports_an_error_per_source_and_goes_on(server, ws_factory):
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    server.route("/latest.json", Reply(401, {"errors": ["invalid api key"]}))
    ws = ws_factory(
        SourceConfig(
            "forum", "discourse", {"base_url": server.url, "allow_private_networks": True}
        ),
        SourceConfig("blog", "rss", {"url": server.url + "/feed/", "allow_private_networks": 1}),
    )
    result = run(ws, "listen", "--once", ok=False)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("forum (discourse): 0 new") and "answered 401" in lines[0]
    assert "must be true or false" in lines[1]  # a config mistake is that source's error only


def test_secrets_file_must_be_owner_only(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[forum]\napi_key = "from-file"\n')
    secrets.chmod(0o644)
    with pytest.raises(UserError, match=r"readable by others.*chmod 600"):
        credentials_for(tmp_path, "forum", ("api_key",), environ={})
    secrets.chmod(0o600)
    assert credentials_for(tmp_path, "forum", ("api_key",), environ={}) == {"api_key": "from-file"}
    env = {env_name("forum", "api_key"): "from-env"}
    assert credentials_for(tmp_path, "forum", ("api_key",), environ=env) == {"api_key": "from-env"}
    assert env_name("acme-forum", "api_key") == "ESCUCHA_ACME_FORUM_API_KEY"


def _count(db) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_listen_follow_killed_mid_way_loses_and_doubles_nothing(server, ws_factory):
    forum = FakeForum(server, topics=40, posts=5, per_page=5)
    forum.delay = 0.03
    ws = ws_factory(
        SourceConfig(
            "forum",
            "discourse",
            {"base_url": server.url, "allow_private_networks": True, "interval": 0.3},
        )
    )
    db = ws.path / "escucha.db"
    env = {k: v for k, v in os.environ.items() if k != "ESCUCHA_DATABASE_URL"}
    cmd = escucha_cmd("-w", str(ws.path), "listen", "--follow")

    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: _count(db) >= 40, 30)
    finally:
        first.kill()  # SIGKILL: no chance to clean up
        first.wait()
    killed_at = _count(db)
    assert 40 <= killed_at < 200

    second = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: _count(db) == 200, 30)
        time.sleep(0.5)  # at least one more interval: re-reading adds nothing
    finally:
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=20)
    assert second.returncode == 0, err
    assert out.strip().endswith("stopped")
    assert [r[0] for r in stored(ws)] == forum.all_ids()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT collected FROM source_state").fetchone() == (200,)
        assert conn.execute("SELECT count(*) FROM raw_payloads").fetchone() == (200,)
        assert conn.execute("SELECT sum(accepted) FROM import_runs").fetchone() == (200,)


def test_listen_once_collects_from_one_source_of_each_kind(server, ws_factory):
    from .conftest import FakeServer
    from .fake_bluesky import FakeAppView
    from .fake_mastodon import FakeMastodon

    server.route("/feed/", Reply(body=data_file("feed.rss")))
    with FakeServer() as forum_server, FakeServer() as masto_server, FakeServer() as sky_server:
        FakeForum(forum_server, topics=2, posts=3)
        masto = FakeMastodon(masto_server)
        for i in range(3):
            masto.post(f"toot {i}", tags=["iberia"])
        view = FakeAppView(sky_server)
        for i in range(2):
            view.post(f"iberia skeet {i}")
        private = {"allow_private_networks": True}
        ws = ws_factory(
            SourceConfig("blog", "rss", {"url": server.url + "/feed/", **private}),
            SourceConfig("forum", "discourse", {"base_url": forum_server.url, **private}),
            SourceConfig(
                "masto",
                "mastodon",
                {"api_base_url": masto_server.url, "hashtags": "iberia", **private},
            ),
            SourceConfig("sky", "bluesky", {"base_url": sky_server.url, "q": "iberia", **private}),
        )
        lines = run(ws, "listen", "--once").output.strip().splitlines()
    assert lines == [
        "blog (rss): 4 new, 0 already stored, 1 rejected in 1 page(s)",
        "forum (discourse): 6 new, 0 already stored, 0 rejected in 3 page(s)",
        "masto (mastodon): 3 new, 0 already stored, 0 rejected in 2 page(s)",
        "sky (bluesky): 2 new, 0 already stored, 0 rejected in 1 page(s)",
    ]
    assert len(stored(ws)) == 15


def test_status_and_report_show_each_sources_coverage(tmp_path, monkeypatch):
    """Coverage notes reach `escucha status --json` and the report's method section."""
    import json as _json

    from typer.testing import CliRunner

    from escucha.config import SourceConfig, default_config
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    config = default_config("cov")
    feed = SourceConfig("news", "rss", {"url": "https://example.org/feed.xml"})
    from dataclasses import replace

    ws = init_workspace(tmp_path / "ws", replace(config, sources=(feed,)))
    out = CliRunner().invoke(cli_app(), ["-w", str(ws.path), "status", "--json"]).stdout
    (listening,) = _json.loads(out)["listening"]
    assert listening["name"] == "news" and listening["kind"] == "rss"
    assert listening["coverage"] and listening["collected"] == 0


def test_follow_backs_off_between_failed_runs_instead_of_restarting_at_once():
    from escucha.cli.listen import Schedule

    stream = SourceConfig("masto", "mastodon", {"stream": True, "backoff_cap": 8})
    feed = SourceConfig("blog", "rss", {"interval": 30})
    schedule = Schedule([stream, feed], now=0.0)
    assert schedule.next(0.0) == ("masto", 0.0)
    waits = [schedule.ran("masto", ok=False, now=0.0) for _ in range(6)]
    assert waits == [1, 2, 4, 8, 8, 8]  # exponential, capped
    assert schedule.ran("masto", ok=True, now=100.0) == 0  # a working stream: at once again
    assert schedule.ran("blog", ok=False, now=0.0) == 30  # never sooner than its interval
    assert [schedule.ran("blog", ok=False, now=0.0) for _ in range(6)][-1] == 60
    assert schedule.next(0.0) == ("blog", 60.0)  # masto is due at 100


def test_sources_add_types_options_as_each_kind_declares_them(ws_factory):
    ws = ws_factory()
    run(ws, "sources", "add", "bluesky", "iberia", "--name", "sky", "-o", "q=737", "-o", "lang=es")
    run(
        ws,
        *("sources", "add", "mastodon", "https://mastodon.example", "--name", "masto"),
        *("-o", "hashtags=2024, iberia", "-o", "stream=true", "-o", "stream_seconds=30"),
        *("-o", "backoff_base=0.5", "-o", "mentions=false"),
    )
    run(ws, "sources", "add", "reddit", "travel,flights", "--name", "rd", "-o", "q=1234")
    sky, masto, rd = tomllib.loads((ws.path / "escucha.toml").read_text())["sources"]
    assert (sky["q"], sky["lang"]) == ("737", "es")  # text, not the number 737
    assert masto["hashtags"] == ["2024", "iberia"]  # a TOML list, as the docs say
    assert (masto["stream"], masto["stream_seconds"], masto["backoff_base"]) == (True, 30, 0.5)
    assert masto["mentions"] is False
    assert (rd["subreddits"], rd["q"]) == (["travel", "flights"], "1234")

    bad = run(ws, "sources", "add", "rss", "https://x.example/f", "-o", "timeout=soon", ok=False)
    assert str(bad.exception) == "--option timeout: expected a number, got 'soon'"
    flag = run(ws, "sources", "add", "reddit", "x", "--name", "r2", "-o", "comments=1", ok=False)
    assert str(flag.exception) == "--option comments: expected true or false, got '1'"
