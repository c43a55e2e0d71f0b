"""`escucha migrate-store`: a SQLite workspace copied into PostgreSQL and back, every table
row for row with the same ids; the target must be empty."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from escucha.store import db
from escucha.workspace import Workspace, open_workspace

from .helpers import cli, every_row, seed

pytestmark = pytest.mark.postgres


def test_sqlite_to_postgresql_and_back(
    sqlite_workspace: Workspace, pg_url, tmp_path, capsys, monkeypatch
):
    seed(sqlite_workspace, tmp_path)
    rows = every_row(sqlite_workspace.engine)
    folder = str(sqlite_workspace.path)
    code, out, err = cli(capsys, "--workspace", folder, "migrate-store", "--to", pg_url)
    assert code == 0, err
    assert f"copied {sum(len(v) for k, v in rows.items() if k != 'alembic_version'):,} rows" in out
    on_pg = db.make_engine(pg_url)
    assert every_row(on_pg) == rows

    # The workspace now on PostgreSQL: new rows take ids after the copied ones.
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    moved = open_workspace(folder)
    (tmp_path / "more.csv").write_text("id,text\n100,@Iberia un vuelo más\n", encoding="utf-8")
    moved.import_file(tmp_path / "more.csv", source="more")
    with on_pg.connect() as conn:
        new_id = conn.scalar(sa.text("SELECT id FROM posts WHERE native_id = '100'"))
        run_id = conn.scalar(sa.text("SELECT max(id) FROM import_runs"))
    assert new_id == max(r[0] for r in rows["posts"]) + 1 and run_id == 2

    back = f"sqlite:///{tmp_path / 'back.db'}"
    code, _, err = cli(capsys, "--workspace", folder, "migrate-store", "--to", back)
    assert code == 0, err
    assert every_row(db.make_engine(back)) == every_row(on_pg)
    on_pg.dispose()


def test_migrate_store_refuses_a_target_that_holds_rows(
    sqlite_workspace: Workspace, pg_url, tmp_path, capsys
):
    seed(sqlite_workspace, tmp_path)
    folder = str(sqlite_workspace.path)
    assert cli(capsys, "--workspace", folder, "migrate-store", "--to", pg_url)[0] == 0
    code, _, err = cli(capsys, "--workspace", folder, "migrate-store", "--to", pg_url)
    assert code == 1 and err.strip().count("\n") == 0
    assert "already holds rows; move the store into an empty database" in err
