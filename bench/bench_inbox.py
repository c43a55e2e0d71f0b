"""Benchmark: the inbox over N posts, on SQLite.

Fills a fresh workspace with N posts by N/20 authors, each read by the current model (about
one in five a question, complaint or wish) and a third of them mentioning our brand; our own
account posts one in a hundred and answers some of the questions (each post with its folded
words and word index, as the writer stores them: `bulk_posts`). Then times:

- the first refresh (every post read; the new items and the answers found);
- a second refresh (nothing new: the watermark keeps it short);
- the first page of 50 items by priority, all items and the open ones, p95 of 50 reads
  (target: under 300 ms at 1M posts);
- the web app's /inbox page: its first view (which also refreshes the inbox, once per data
  version) timed alone, then the open items' first page of 50 with rendering and page 100,
  p95 of 50 requests each through the ASGI app (no network).

    python bench/bench_inbox.py [--posts 1000000] [--workdir /tmp/escucha-bench-inbox]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bulk_posts import check_word_query, folded_words, indexed_at_once
from machine import cpu_model

from escucha.config import Brand, Config
from escucha.engage.inbox import InboxFilters, list_inbox, refresh_inbox
from escucha.enrich import current_model_version
from escucha.workspace import init_workspace

BATCH = 50_000
INTENTS = ('["question"]', '["complaint"]', '["wish"]', '["praise"]', "[]", "[]", "[]", "[]",
           "[]", "[]", "[]", "[]", "[]", "[]", "[]")  # fmt: skip


def fill(ws, n: int) -> None:
    rng = random.Random(7)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    version = current_model_version()
    authors = max(n // 20, 2)
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO import_runs (id, source, location, started_at, status, accepted, "
            "duplicate, rejected) VALUES (1, 'masto', 'bench', ?, 'done', 0, 0, 0)",
            (start.isoformat(),),
        )
        conn.exec_driver_sql(
            "INSERT INTO authors (id, platform, instance, account_id, handle, followers, "
            "first_source) VALUES (?, 'mastodon', 'm.example', ?, ?, ?, 'masto')",
            [(1, "0", "ourbrand", 50_000)]
            + [
                (i, str(i), f"user{i}", rng.choice((None, 10, 500, 5_000, 20_000)))
                for i in range(2, authors + 1)
            ],
        )
    for first in range(1, n + 1, BATCH):
        post_rows, reading_rows, mention_rows = [], [], []
        for i in range(first, min(first + BATCH, n + 1)):
            ours = i % 100 == 0
            author = 1 if ours else rng.randint(2, authors)
            parent = str(i - 1) if ours and rng.random() < 0.5 else None
            at = (start + timedelta(seconds=i * 2)).isoformat()
            text = f"post {i}"
            post_rows.append(
                (i, "masto", str(i), author, text, folded_words(text), at, at, parent, 1)
            )
            intents = "[]" if ours else rng.choice(INTENTS)
            reading_rows.append((i, version, "es", intents, at))
            if rng.random() < 0.33:
                mention_rows.append((i,))
        with ws.engine.begin() as conn:
            with indexed_at_once(conn):
                conn.exec_driver_sql(
                    "INSERT INTO posts (id, source, native_id, author_id, text, words, "
                    "created_at, fetched_at, parent_id, import_run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    post_rows,
                )
            conn.exec_driver_sql(
                "INSERT INTO enrichments (post_id, model_version, lang, sentiment, negative, "
                "neutral, positive, wish, complaint, question, praise, promo, intents, "
                "enriched_at) VALUES (?, ?, ?, 'neutral', 0, 1, 0, 0, 0, 0, 0, 0, ?, ?)",
                reading_rows,
            )
            conn.exec_driver_sql(
                "INSERT INTO brand_mentions (post_id, brand, matcher) VALUES (?, 'Our Brand', 'b')",
                mention_rows,
            )
    check_word_query(ws.engine, "post", version)


def p95_ms(read, runs: int = 50) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.quantiles(times, n=20)[18], 1)


def web_pages(ws, items: int) -> dict:
    """p95 of the /inbox page and of a deep page (100, or the last of a smaller inbox), as a
    logged-in analyst."""
    import re
    import warnings

    from escucha.auth.users import create_user
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    create_user(ws.engine, "bench", "correct horse battery", "analyst")
    client = TestClient(create_app(ws, WebSettings(page_size=50)), follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', client.get("/login").text)[1]
    client.post("/login", data={"username": "bench", "password": "correct horse battery",
                                "csrf_token": token, "next": "/"})  # fmt: skip

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200 and 'id="item-' in response.text, path

    deep = min(100, max(1, items // 50))
    start = time.perf_counter()
    get("/inbox")  # the first view after new posts also refreshes the inbox: timed apart
    first = (time.perf_counter() - start) * 1000
    return {
        "web_inbox_first_view_ms": round(first, 1),
        "web_inbox_p95_ms": p95_ms(lambda: get("/inbox")),
        f"web_inbox_page_{deep}_p95_ms": p95_ms(lambda: get(f"/inbox?status=all&page={deep}")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-inbox"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    config = Config(
        name="bench",
        languages=("es", "en"),
        brand=Brand("Our Brand", handles=("@ourbrand",), ours=True),
        competitors=(),
        sources=(),
    )
    ws = init_workspace(args.workdir, config)
    fill(ws, args.posts)
    now = datetime(2026, 12, 1, tzinfo=UTC)

    start = time.perf_counter()
    first = refresh_inbox(ws, now)
    first_seconds = time.perf_counter() - start
    start = time.perf_counter()
    refresh_inbox(ws, now)
    again_seconds = time.perf_counter() - start
    result = {
        "posts": args.posts,
        "items": first.added,
        "answered": first.answered,
        "first_refresh_seconds": round(first_seconds, 1),
        "second_refresh_seconds": round(again_seconds, 2),
        "page_p95_ms": p95_ms(lambda: list_inbox(ws, limit=50, now=now)),
        "open_page_p95_ms": p95_ms(
            lambda: list_inbox(ws, InboxFilters(status=("new", "assigned")), limit=50, now=now)
        ),
        **web_pages(ws, first.added),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
