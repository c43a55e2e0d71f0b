"""`escucha backup` and `escucha restore`: every table back row for row, the same status,
no secrets in the archive, and one-line refusals."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from escucha.workspace import Workspace, open_workspace

from .helpers import cli, every_row, seed


def status(capsys, folder: Path) -> dict:
    code, out, err = cli(capsys, "--workspace", str(folder), "status", "--json")
    assert code == 0, err
    return json.loads(out)


def test_restore_gives_back_every_table_and_the_same_status(
    workspace: Workspace, tmp_path, capsys, monkeypatch
):
    seed(workspace, tmp_path)
    before, rows = status(capsys, workspace.path), every_row(workspace.engine)
    archive = tmp_path / "ws.tar.gz"
    code, out, err = cli(capsys, "--workspace", str(workspace.path), "backup", str(archive))
    assert code == 0, err and "schema" in out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        assert all(b"do-not-archive" not in tar.extractfile(n).read() for n in names)
    assert "secrets.toml" not in names
    assert {"escucha.toml", "snippets.toml", "rejects/tweets.run1.rejects.jsonl"} <= set(names)
    assert manifest["schema_revision"] == before["schema_revision"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}

    if workspace.engine.dialect.name == "postgresql":  # the store lost: its schema dropped
        schema = workspace.engine.url.query["options"].split("=")[-1]
        with workspace.engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        workspace.engine.dispose()
    else:  # the workspace's own file, in the new folder
        monkeypatch.delenv("ESCUCHA_DATABASE_URL")
    target = tmp_path / "restored"
    code, out, err = cli(capsys, "restore", str(archive), str(target))
    assert code == 0, err
    restored = open_workspace(target)
    assert every_row(restored.engine) == rows
    assert status(capsys, target) == before  # the whole JSON: it says nothing of where
    code, out, err = cli(capsys, "--workspace", str(target), "status", "--json", "--paths")
    assert code == 0, err
    assert json.loads(out)["workspace"] == str(target.resolve())
    assert (target / "rejects" / "tweets.run1.rejects.jsonl").read_bytes() == (
        workspace.path / "rejects" / "tweets.run1.rejects.jsonl"
    ).read_bytes()
    assert not (target / "secrets.toml").exists()


def test_restored_in_the_same_place_the_status_is_identical(
    sqlite_workspace: Workspace, tmp_path, capsys
):
    seed(sqlite_workspace, tmp_path)
    folder = sqlite_workspace.path
    before = status(capsys, folder)
    archive = tmp_path / "ws.tar.gz"
    assert cli(capsys, "--workspace", str(folder), "backup", str(archive))[0] == 0
    sqlite_workspace.engine.dispose()
    shutil.move(folder, tmp_path / "lost")
    assert cli(capsys, "--workspace", str(folder), "restore", str(archive))[0] == 0
    assert status(capsys, folder) == before


@pytest.fixture
def archive(sqlite_workspace: Workspace, tmp_path) -> Path:
    seed(sqlite_workspace, tmp_path)
    from escucha.ops.archive import backup

    return (
        backup(sqlite_workspace.path, sqlite_workspace.config, tmp_path / "ws.tar.gz")
        and tmp_path / "ws.tar.gz"
    )


def _one_line_refusal(capsys, *args: str) -> str:
    code, _, err = cli(capsys, *args)
    assert code == 1 and err.startswith("escucha: error:") and err.strip().count("\n") == 0
    return err


def _rewritten(archive: Path, out: Path, change) -> Path:
    """The archive with its members passed through `change(name, data) -> data`."""
    with tarfile.open(archive) as tar, tarfile.open(out, "w:gz") as new:
        for member in tar:
            data = change(member.name, tar.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return out


def test_restore_refuses_a_folder_that_is_not_empty(archive, tmp_path, capsys):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    err = _one_line_refusal(capsys, "restore", str(archive), str(target))
    assert "not an empty folder" in err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_restore_refuses_a_truncated_archive(archive, tmp_path, capsys):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = tmp_path / "new"
    err = _one_line_refusal(capsys, "restore", str(cut), str(target))
    assert "damaged or truncated" in err
    assert list(target.iterdir()) == []  # nothing half-written


def test_restore_refuses_a_member_that_does_not_match_its_checksum(archive, tmp_path, capsys):
    def flip(name: str, data: bytes) -> bytes:
        return data.replace(b"Iberia", b"Iberio") if name == "escucha.toml" else data

    bad = _rewritten(archive, tmp_path / "bad.tar.gz", flip)
    err = _one_line_refusal(capsys, "restore", str(bad), str(tmp_path / "new"))
    assert "escucha.toml does not match its checksum" in err


def test_restore_refuses_an_archive_from_a_newer_schema(archive, tmp_path, capsys):
    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "9999"
        return json.dumps(manifest).encode()

    future = _rewritten(archive, tmp_path / "future.tar.gz", newer)
    err = _one_line_refusal(capsys, "restore", str(future), str(tmp_path / "new"))
    assert "schema 9999, newer than this escucha's" in err


@pytest.mark.postgres
def test_backup_of_a_postgresql_store_without_pg_dump_says_so(
    pg_url, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    assert cli(capsys, "init", str(tmp_path / "ws"))[0] == 0
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    err = _one_line_refusal(
        capsys, "--workspace", str(tmp_path / "ws"), "backup", str(tmp_path / "b.tar.gz")
    )
    assert "pg_dump is not on PATH" in err
    assert not (tmp_path / "b.tar.gz").exists()


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_a_new_database(
    pg_url, new_database, tmp_path, capsys, monkeypatch
):
    """A schema's dump holds no extensions: the restore creates the trigram one it needs."""
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    assert cli(capsys, "init", str(tmp_path / "ws"))[0] == 0
    workspace = open_workspace(tmp_path / "ws")
    seed(workspace, tmp_path)
    before = status(capsys, workspace.path)
    archive = tmp_path / "ws.tar.gz"
    assert cli(capsys, "--workspace", str(workspace.path), "backup", str(archive))[0] == 0
    workspace.engine.dispose()

    monkeypatch.setenv("ESCUCHA_DATABASE_URL", new_database)
    code, _, err = cli(capsys, "restore", str(archive), str(tmp_path / "restored"))
    assert code == 0, err
    assert status(capsys, tmp_path / "restored") == before
    open_workspace(tmp_path / "restored").engine.dispose()  # before the database is dropped
