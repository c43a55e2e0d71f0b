"""A small workspace with rows in many tables, every table read back, and the CLI in-process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from escucha.auth.users import create_user
from escucha.community.build import build_contacts
from escucha.ideas.refresh import refresh_ideas
from escucha.store.schema import metadata
from escucha.workspace import Workspace

POSTS = """id,author,created_at,text,parent_id
1,ana,2017-11-03T10:00:00Z,"@Iberia me habéis perdido la maleta otra vez, es una vergüenza",
2,bob,2017-11-03T11:00:00Z,"@Ryanair ojalá pusierais más vuelos a Santander, sería genial",
3,cy,2015-02-24T10:00:00Z,"@united I wish you had more legroom, please add it to the app",
4,di,2015-02-24T11:00:00Z,"@united worst customer service ever, lost my bag and nobody answers",3
5,ed,2015-02-24T12:00:00Z,"Thanks @united, the crew was wonderful!",
6,ana,2017-11-04T10:00:00Z,"@Iberia ¿a qué hora sale el vuelo a Madrid? gracias",
7,fe,2017-11-04T12:00:00Z,"Ojalá @Iberia tuviera wifi gratis en todos los vuelos",
8,gu,2017-11-05T09:00:00Z,"👍",1
9,bob,2017-11-05T10:00:00Z,,
"""


def seed(workspace: Workspace, tmp_path: Path) -> None:
    """Posts, authors, a rejected row (no text) and its rejects file, enrichments, brand
    mentions, a user, contacts and ideas; a snippets file beside escucha.toml and a secrets
    file."""
    (tmp_path / "posts.csv").write_text(POSTS, encoding="utf-8")
    workspace.import_file(tmp_path / "posts.csv", source="tweets")
    workspace.analyze()
    create_user(workspace.engine, "ana", "a long password 123", "admin")
    build_contacts(workspace)
    refresh_ideas(workspace)
    (workspace.path / "snippets.toml").write_text("# our snippets\n", encoding="utf-8")
    secrets = workspace.path / "secrets.toml"
    secrets.write_text('[tweets]\ntoken = "do-not-archive"\n', encoding="utf-8")
    os.chmod(secrets, 0o600)


def every_row(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the store (and Alembic's version), row for row in key order."""
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
        found["alembic_version"] = conn.execute(
            sa.text("SELECT version_num FROM alembic_version")
        ).all()
    return found


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `escucha ARGS` in this process: exit code, stdout, stderr."""
    from escucha.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
