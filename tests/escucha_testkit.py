"""Helpers shared by test folders (import as `from escucha_testkit import ...`)."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.config import Brand, Config

DEMO = Path(__file__).resolve().parents[1] / "src" / "escucha" / "demo"


def demo_rows(name: str, n: int, id_field: str) -> list[dict]:
    """The first `n` posts of one of the demo's bundled files, as an import reads them."""
    with gzip.open(DEMO / "data" / name, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, n)]
    return [
        {
            "id": str(r[id_field]),
            "author": r.get("author") or None,
            "created_at": r["created"],
            "text": r["text"],
            "url": f"https://example.org/{r[id_field]}",
        }
        for r in records
    ]


def demo_workspace(root: Path, n: int = 300):
    """An analysed workspace at `root` with the demo's brands and `n` posts of each file."""
    from escucha.workspace import init_workspace

    root.mkdir(parents=True, exist_ok=True)
    (root / "escucha.toml").write_text(
        (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    ws = init_workspace(root)
    for name, file, id_field in (
        ("es", "es_airline_tweets.jsonl.gz", "tweet_id"),
        ("en", "us_airline_tweets.jsonl.gz", "row"),
    ):
        path = root / f"{name}.jsonl"
        rows = demo_rows(file, n, id_field)
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        ws.import_file(path, source=name)
    ws.analyze()
    return ws


PG_ENV = "ESCUCHA_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV)


def _fresh_pg_schema() -> Iterator[str]:
    """A URL whose search_path is a new schema, dropped afterwards, so tests never collide."""
    import sqlalchemy as sa

    base = postgres_url()
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (.ci/run does)")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def market_config() -> Config:
    return Config(
        name="test market",
        languages=("es", "en"),
        brand=Brand("Iberia", ("Iberia Express",), ("@Iberia",), ("#Iberia",), ours=True),
        competitors=(
            Brand("Ryanair", (), ("@Ryanair", "@Ryanair_ES"), ()),
            Brand("United Airlines", (), ("@united",), ()),
        ),
        sources=(),
    )


def web_client(app):
    """A test client of the web app that does not follow redirects."""
    import warnings

    with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what we have
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False)


def logged_in_client(app, name: str, password: str):
    """A web client logged in as `name` (the login form with its CSRF token)."""
    import re

    client = web_client(app)
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', client.get("/login").text)
    assert token is not None
    data = {"username": name, "password": password, "csrf_token": token.group(1), "next": "/"}
    assert client.post("/login", data=data).status_code == 303
    return client
