"""Helpers shared by test folders (import as `from escucha_testkit import ...`)."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
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


BY_DAY_HEADER = "id,author,created_at,text\n"
_BY_DAY_TEXTS = [
    "@Iberia me habéis perdido la maleta, es una vergüenza",
    "@Iberia gracias, el vuelo fue estupendo",
    "@Ryanair retraso de tres horas, fatal",
    "@Ryanair ojalá pusierais más vuelos a Santander",
    "@united worst customer service ever, lost my bag",
    "Thanks @united and @Iberia, the crew was wonderful!",
    "@united I wish you had more legroom, please",
    "nothing about any airline here",
    "@Iberia el vuelo llegó a su hora",
]
BY_DAY_QUERIES = [
    None,
    "date:2017-11-02..2017-11-04",
    "date:>=2017-11-05",
    'brand:"Iberia"',
    'brand:"iberia" AND sentiment:negative',
    'brand:"Ryanair" AND sentiment:negative AND date:2017-11-01..2017-11-03',
    'brand:"United Airlines" AND sentiment:positive',
    "lang:es",
    "lang:en AND date:2017-11-03",
    'lang:es AND brand:"Iberia" AND sentiment:positive',
    'brand:"Nobody"',
    "date:2001-01-01",
]


def by_day_posts(workspace, tmp_path: Path) -> str:
    """160 posts over a week of November 2017 (some undated, one deleted, one relabelled),
    analysed; the model version. The store of the by-day tests (reads/by_day.py)."""
    from sqlalchemy import select, update

    from escucha.enrich import current_model_version
    from escucha.store.schema import posts
    from escucha.understand.corrections import relabel

    rng = random.Random(7)
    rows = []
    for n in range(1, 161):
        day = rng.choice(range(1, 8))
        hour = rng.choice((0, 9, 9, 23))  # repeated instants: ties are ordered by id
        created = "" if n % 17 == 0 else f"2017-11-{day:02d}T{hour:02d}:30:00Z"
        rows.append(f'{n},u{n % 9},{created},"{rng.choice(_BY_DAY_TEXTS)} #{n}"')
    (tmp_path / "posts.csv").write_text(BY_DAY_HEADER + "\n".join(rows) + "\n")
    workspace.import_file(tmp_path / "posts.csv", source="t")
    workspace.analyze()
    version = current_model_version()
    with workspace.engine.begin() as conn:  # one post deleted on its platform
        first, second = conn.scalars(select(posts.c.id).order_by(posts.c.id).limit(2))
        conn.execute(
            update(posts).where(posts.c.id == second).values(deleted_at=posts.c.fetched_at)
        )
    relabel(workspace.engine, first, "ana", version, sentiment="negative")
    return version
