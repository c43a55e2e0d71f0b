"""Benchmark: boolean queries over a SQLite store of 1M posts, p50 seconds per query.

Builds the store once by inserting rows directly: the bundled airline tweets repeated with fresh
ids, each with an enrichment (the dataset's own sentiment label, seeded random intents) and the
brand mentions the demo's brand rules find. Then runs each query several times.

    python bench/bench_query.py [--size 1000000] [--repeat 5] [--workdir /tmp/escucha-bench]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import sqlite3
import statistics
import time
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

from machine import cpu_model
from sqlalchemy import DateTime
from sqlalchemy.dialects.sqlite import pysqlite

from escucha.brands import BrandMatcher
from escucha.config import parse_config
from escucha.demo import DEMO_FILES, demo_config_text, demo_path
from escucha.listen.dates import parse_date
from escucha.query import parse, select_posts
from escucha.store import db

MODEL = "bench-v1"
INTENTS = ("wish", "complaint", "question", "praise", "promo")
QUERIES = (
    'brand:"Air Europa"',
    "brand:Iberia AND sentiment:negative",
    "(brand:Iberia OR brand:Vueling) AND intent:complaint AND NOT lang:en",
    "date:2017-11-01..2017-11-07 AND sentiment:positive",
    "retraso",
    "cancel*",
    "avion OR avión",
    '"lost luggage"',
    "delay* NEAR/3 (refund OR compensation)",
    "brand:Iberia AND (maleta* OR equipaje)",
    "source:us_airline_tweets AND bag* AND NOT has:link",
    "author:jnardino",
    "cancel* OR retraso OR equipaje OR refund*",
)


def parse_created(value: str) -> datetime | None:
    """The tweet's date; None for the few garbled ones (stored as NULL, as the importer would)."""
    try:
        return parse_date(value)
    except ValueError:
        return None


def demo_rows() -> list[tuple]:
    """(source, author, text, created_at, lang, sentiment, intents, brands) per bundled tweet."""
    config = parse_config(tomllib.loads(demo_config_text()))
    matcher = BrandMatcher((config.brand, *config.competitors))
    rng = random.Random(5)
    rows = []
    for name, (source, _mapping, _url) in DEMO_FILES.items():
        lang = "es" if name.startswith("es") else "en"
        with gzip.open(demo_path(f"data/{name}"), "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                intents = [i for i in INTENTS if rng.random() < 0.15]
                rows.append(
                    (
                        source,
                        rec.get("author") or f"user{rng.randrange(5000)}",
                        rec["text"],
                        parse_created(rec["created"]),
                        lang,
                        rec.get("sentiment") or "neutral",
                        intents,
                        matcher.match(rec["text"]),
                    )
                )
    return rows


def build_store(path: Path, size: int) -> None:
    """A migrated SQLite store with `size` posts, their enrichments and brand mentions."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    dialect = pysqlite.dialect()
    to_sql_time = DateTime().dialect_impl(dialect).bind_processor(dialect)
    base = demo_rows()
    fetched = to_sql_time(datetime(2024, 1, 1, tzinfo=UTC))
    conn = sqlite3.connect(path)
    posts, enrich, mentions = [], [], []
    for i in range(1, size + 1):
        source, author, text, created, lang, sentiment, intents, brands = base[i % len(base)]
        url = f"https://example.org/{i}" if source.startswith("es") else None
        created_at = to_sql_time(created) if created else None
        posts.append((i, source, f"b{i}", author, text, None, created_at, fetched, url))
        scores = [0.8 if s == sentiment else 0.1 for s in ("negative", "neutral", "positive")]
        flags = [0.9 if n in intents else 0.05 for n in INTENTS]
        enrich.append((i, MODEL, lang, sentiment, *scores, *flags, json.dumps(intents), fetched))
        mentions.extend((i, b, "bench") for b in brands)
        if len(posts) == 50_000 or i == size:
            conn.executemany(
                "INSERT INTO posts (id, source, native_id, author_handle, text, lang_hint, "
                "created_at, fetched_at, url) VALUES (?,?,?,?,?,?,?,?,?)",
                posts,
            )
            conn.executemany(
                "INSERT INTO enrichments (post_id, model_version, lang, sentiment, negative, "
                "neutral, positive, wish, complaint, question, praise, promo, intents, "
                "enriched_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                enrich,
            )
            conn.executemany("INSERT INTO brand_mentions VALUES (?,?,?)", mentions)
            posts, enrich, mentions = [], [], []
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"query-{args.size}.db"
    if not path.exists():
        start = time.perf_counter()
        build_store(path.with_suffix(".partial"), args.size)
        path.with_suffix(".partial").replace(path)
        print(f"# built {path} in {time.perf_counter() - start:.0f} s")
    engine = db.make_engine(f"sqlite:///{path}")
    print(
        f"# escucha query benchmark, {date.today()}, {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{args.size:,} posts, p50 of {args.repeat} runs"
    )
    print("| query | posts found | p50 s |")
    print("|---|---:|---:|")
    with engine.connect() as conn:
        for text in QUERIES:
            query = parse(text)
            times, found = [], 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                found = len(select_posts(conn, query, MODEL))
                times.append(time.perf_counter() - start)
            print(f"| `{text}` | {found:,} | {statistics.median(times):.2f} |")


if __name__ == "__main__":
    main()
