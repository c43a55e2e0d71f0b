"""A small analysed workspace with hostile posts, three users, tokens, and clients."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "src" / "escucha" / "demo"
PASSWORD = "correct horse battery"
HOSTILE = [
    {
        "id": "h1",
        "author": "mallory",
        "created_at": "2017-11-20T10:00:00Z",
        "text": '<script>window.__pwned=1;alert("xss")</script> '
        "@Iberia me habéis perdido la maleta",
        "url": "https://example.org/h1",
    },
    {
        "id": "h2",
        "author": '"><svg onload=alert(4)>',
        "created_at": "2017-11-20T11:00:00Z",
        "text": '<img src=x onerror="window.__pwned=2;alert(2)"> @Iberia vuelo cancelado otra vez',
        "url": "javascript:window.__pwned=3;alert(3)",
    },
    {
        "id": "h3",
        "author": "=cmd",
        "created_at": "2017-11-21T11:00:00Z",
        "text": '=HYPERLINK("http://evil.example","click") @Iberia fatal servicio',
        "url": "https://example.org/h3",
    },
    {
        "id": "h4",
        "author": "eve",
        "created_at": "2017-11-21T12:00:00Z",
        "text": "+1 @Iberia <a href=\"javascript:alert(5)\">mira</a> ' onmouseover='alert(6)",
        "url": " javascript:alert(7)",
    },
]
# Clear product requests, so that the idea pages have several ideas whatever the intent
# model finds in the demo sample (its wish threshold changes between model versions)
WISHES = [
    {
        "id": f"w{i}",
        "author": f"fan{i}",
        "created_at": f"2015-02-2{i}T09:00:00Z",
        "text": text,
        "url": f"https://example.org/w{i}",
    }
    for i, text in enumerate(
        (
            "@united please add wifi to every flight, I would pay for it",
            "@JetBlue you should add more direct flights from Boston to Denver",
            "@SouthwestAir please bring back the free snacks on long flights",
            "@AmericanAir it would be great to have power outlets at every seat",
        ),
        start=1,
    )
]
HOSTILE_MARKERS = ("<script>", "<img src=x", "<svg onload", '<a href="javascript:')
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=9;alert(9)"> "><script>alert(8)</script>'


def _demo_rows(name: str, n: int, mapping: dict[str, str]) -> list[dict]:
    with gzip.open(DEMO / "data" / name, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, n)]
    rows = []
    for i, r in enumerate(records):
        row = {
            "id": str(r[mapping["id"]]),
            "author": r.get("author") or None,
            "created_at": r["created"],
            "text": r["text"],
            "url": f"https://example.org/{r[mapping['id']]}",
        }
        if "retweet_count" in r:  # the US file's real retweets; followers made up, a third known
            row["retweet_count"] = r["retweet_count"]
            row["favorite_count"] = (i * 7) % 11
            if i % 3 == 0:
                row["followers_count"] = (i * 7919) % 20_000
        rows.append(row)
    return rows


@dataclass
class Env:
    workspace: object
    tokens: dict[str, str]
    ids: dict[str, int]  # native id of a hostile post -> post id


@pytest.fixture(scope="session")
def env(tmp_path_factory) -> Iterator[Env]:
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.store.schema import posts
    from escucha.workspace import init_workspace

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("webws")
        (root / "escucha.toml").write_text(
            (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        ws = init_workspace(root)
        data = tmp_path_factory.mktemp("webdata")
        for name, rows in (
            ("es.jsonl", _demo_rows("es_airline_tweets.jsonl.gz", 300, {"id": "tweet_id"})),
            (
                "en.jsonl",
                _demo_rows("us_airline_tweets.jsonl.gz", 300, {"id": "row"}) + WISHES,
            ),
            ("hostile.jsonl", HOSTILE),
        ):
            path = data / name
            path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
            ws.import_file(path, source=name.split(".")[0])
        ws.analyze()
        _ideas_and_alerts(ws)
        _product_test(ws)
        create_user(ws.engine, "ada", PASSWORD, "admin")
        create_user(ws.engine, "ana", PASSWORD, "analyst")
        create_user(ws.engine, "vic", PASSWORD, "viewer")
        tokens = {
            "ana-read": create_token(ws.engine, "ana", "read")[0],
            "ana-write": create_token(ws.engine, "ana", "write")[0],
            "vic-read": create_token(ws.engine, "vic", "read")[0],
        }
        import sqlalchemy as sa

        with ws.engine.connect() as conn:
            ids = dict(
                conn.execute(
                    sa.select(posts.c.native_id, posts.c.id).where(posts.c.source == "hostile")
                ).all()
            )
        yield Env(ws, tokens, ids)


def _ideas_and_alerts(ws) -> None:
    """The wishes grouped into ideas, idea #1 and one alert with hostile text."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from escucha.ideas import refresh_ideas
    from escucha.store.schema import alerts, ideas

    refresh_ideas(ws)
    when = datetime(2017, 11, 21, 12, tzinfo=UTC)
    with ws.engine.begin() as conn:
        conn.execute(sa.update(ideas).where(ideas.c.id == 1).values(title=HOSTILE_TITLE))
        conn.execute(
            sa.insert(alerts).values(
                rule="brands",
                metric="volume",
                subject=HOSTILE_TITLE,
                window_start=when.replace(day=20),
                window_end=when,
                value=30.0,
                message=f"{HOSTILE_TITLE}: 30 mentions",
                details={},
                state="recorded",
                fired_at=when,
            )
        )


def _product_test(ws) -> None:
    """Product test #1, named with hostile text (its pages must escape it)."""
    from escucha.panels.define import create_panel

    create_panel(ws, HOSTILE_TITLE, "all", 3, seed=1, product=HOSTILE_TITLE)


@pytest.fixture(scope="session")
def app(env):
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    # the pages wait for their numbers (a "being computed" page is tested on its own)
    return create_app(env.workspace, WebSettings(compute_wait=600))


def make_client(app):
    import warnings

    with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what we have
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(app):
    return make_client(app)


CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf_of(client, path: str = "/login") -> str:
    return CSRF.search(client.get(path).text).group(1)


def login(client, name: str, password: str = PASSWORD):
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token, "next": "/"},
    )


def logged_in(app, name: str):
    client = make_client(app)
    response = login(client, name)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def admin(app):
    return logged_in(app, "ada")


@pytest.fixture
def analyst(app):
    return logged_in(app, "ana")


@pytest.fixture
def viewer(app):
    return logged_in(app, "vic")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


HOSTILE_NOTE = '<script>window.__pwned=11;alert(11)</script> "><img src=x onerror=alert(12)>'
HOSTILE_ATTRIBUTE = "<svg onload=alert(13)>"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def community_workspace(tmp_path_factory):
    """A workspace of its own for the community's pages: Ana and Luis on Reddit and Bluesky
    (two merge suggestions), Marta with a hostile name, attribute and interaction note, consent,
    and asks that outran gives 40 days ago; users ada, ana, vic and their tokens
    (`ws.tokens`). Call it with ESCUCHA_DATABASE_URL unset."""
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.community.importer import import_contacts
    from escucha.community.ledger import record_interaction
    from escucha.workspace import init_workspace

    root = tmp_path_factory.mktemp("communityws")
    (root / "escucha.toml").write_text(
        (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    ws = init_workspace(root)
    data = tmp_path_factory.mktemp("communitydata")
    ws.import_file(
        _write(
            data / "posts.csv",
            ["id", "author", "author_name", "platform", "text", "created_at"],
            [
                ["1", "anagarcia", "Ana García", "reddit", "Iberia perdió mi maleta",
                 "2026-11-01"],
                ["2", "anagarcia.bsky.social", "Ana García", "bluesky", "vuelo con retraso",
                 "2026-11-02"],
                ["3", "luisperez", "Luis", "reddit", "buen servicio", "2026-11-03"],
                ["4", "luisperez.bsky.social", "Luis P", "bluesky", "hola", "2026-11-04"],
            ],
        )
    )  # fmt: skip
    import_contacts(
        ws,
        _write(
            data / "contacts.csv",
            ["name", "email", "handle:reddit", "lang", "country", "consent", "city"],
            [[HOSTILE_TITLE, "marta@example.org", "u/marta_r", "es", "ES", "yes",
              HOSTILE_ATTRIBUTE]],
        ),
        rejects_dir=data / "rejects",
    )  # fmt: skip
    marta = contact_named(ws, HOSTILE_TITLE)
    weeks_ago = datetime.now(UTC) - timedelta(days=40)  # a month where asks outran gives
    record_interaction(ws, "give:help", contact_id=marta, note=HOSTILE_NOTE,
                       occurred_at=weeks_ago - timedelta(days=1))  # fmt: skip
    for kind in ("ask:survey", "ask:opinion"):
        record_interaction(ws, kind, contact_id=marta, channel="email", occurred_at=weeks_ago)
    create_user(ws.engine, "ada", PASSWORD, "admin")
    create_user(ws.engine, "ana", PASSWORD, "analyst")
    create_user(ws.engine, "vic", PASSWORD, "viewer")
    ws.tokens = {
        name: create_token(ws.engine, user, scope)[0]
        for name, user, scope in [
            ("ada-write", "ada", "write"),
            ("ada-read", "ada", "read"),
            ("ana-write", "ana", "write"),
            ("vic-read", "vic", "read"),
        ]
    }
    return ws


def contact_named(ws, name: str) -> int:
    from escucha.community.views import browse_contacts

    return next(c["id"] for c in browse_contacts(ws, limit=500)[0] if c["name"] == name)
