"""`escucha upgrade`: a store made by an older escucha (schema 0004) is backed up, then
migrated to head with its data intact, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tarfile

import sqlalchemy as sa

from escucha.config import render_config
from escucha.store import db
from escucha_testkit import market_config

from .helpers import cli

T = "2024-05-01 10:00:00"


def _old_workspace(tmp_path, database_url, monkeypatch):
    """A workspace whose store was last migrated by the escucha of schema 0004, with data."""
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", database_url)
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "escucha.toml").write_text(render_config(market_config()), encoding="utf-8")
    engine = db.make_engine(database_url)
    db.migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO import_runs (source, location, started_at, status, accepted, "
                "duplicate, rejected) VALUES ('tweets', '/data/t.csv', :t, 'done', 2, 0, 0)"
            ),
            {"t": T},
        )
        conn.execute(
            sa.text("INSERT INTO authors (source, handle) VALUES ('tweets', 'ana')"),
        )
        conn.execute(
            sa.text(
                "INSERT INTO posts (source, native_id, author_handle, text, "
                "fetched_at, import_run_id) VALUES ('tweets', :nid, 'ana', :text, :t, 1)"
            ),
            [
                {"nid": "1", "text": "@Iberia me habéis perdido la maleta", "t": T},
                {"nid": "2", "text": "Ojalá @Iberia tuviera wifi gratis", "t": T},
            ],
        )
    engine.dispose()
    return folder, engine


def test_upgrade_backs_up_then_migrates_with_the_data_intact(
    tmp_path, database_url, monkeypatch, capsys
):
    folder, engine = _old_workspace(tmp_path, database_url, monkeypatch)
    saved = tmp_path / "before-upgrade.tar.gz"
    code, out, err = cli(capsys, "--workspace", str(folder), "upgrade", "--backup", str(saved))
    assert code == 0, err
    head = db.head_revision()
    assert f"from schema 0004 to {head}" in out
    assert db.current_revision(engine) == head
    with tarfile.open(saved) as tar:
        assert json.load(tar.extractfile("manifest.json"))["schema_revision"] == "0004"
    with engine.connect() as conn:
        posts = conn.execute(
            sa.text("SELECT native_id, text, author_id, import_run_id FROM posts ORDER BY id")
        ).all()
        authors = conn.execute(
            sa.text("SELECT platform, account_id, handle, first_source FROM authors")
        ).all()
    assert posts == [
        ("1", "@Iberia me habéis perdido la maleta", 1, 1),
        ("2", "Ojalá @Iberia tuviera wifi gratis", 1, 1),
    ]
    assert authors == [("tweets", "ana", "ana", "tweets")]
    code, out, _ = cli(capsys, "--workspace", str(folder), "upgrade")
    assert code == 0 and "already at schema" in out
    engine.dispose()


def test_the_backup_of_an_older_store_restores_and_opens_at_head(tmp_path, monkeypatch, capsys):
    folder, _ = _old_workspace(tmp_path, f"sqlite:///{tmp_path / 'old.db'}", monkeypatch)
    saved = tmp_path / "old.tar.gz"
    assert cli(capsys, "--workspace", str(folder), "upgrade", "--backup", str(saved))[0] == 0
    monkeypatch.delenv("ESCUCHA_DATABASE_URL")
    assert cli(capsys, "restore", str(saved), str(tmp_path / "again"))[0] == 0
    code, out, err = cli(capsys, "--workspace", str(tmp_path / "again"), "status", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["schema_revision"] == db.head_revision() and shown["posts"] == 2
