"""Benchmark: boolean queries over a store of 1M posts, p50 seconds per query.

Builds the store once by inserting rows directly: the bundled airline tweets repeated with fresh
ids (with their folded words, as the importer writes them), each with an enrichment (the
dataset's own sentiment label, seeded random intents) and the brand mentions the demo's brand
rules find. Then runs each query several times: the median wall time, and the median CPU time
of this process (the whole query on SQLite; on PostgreSQL only the client's part), which a
shared machine inflates less. SQLite by default; with --postgres URL, in the
schema `bench_query_<size>` of that database (kept for the next run; drop it when done),
vacuumed once built as autovacuum would. With --server-cpu (a PostgreSQL server on this
machine) parallel workers are off and a column gives the median CPU seconds of the server
process that ran the query (from /proc): the measure a busy machine inflates least.

    python bench/bench_query.py [--size 1000000] [--repeat 5] [--workdir /tmp/escucha-bench]
                                [--postgres postgresql+psycopg://postgres@127.0.0.1/test]
                                [--server-cpu]
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

import sqlalchemy as sa
from bulk_posts import folded_words
from machine import cpu_model
from sqlalchemy import DateTime
from sqlalchemy.dialects.sqlite import pysqlite

from escucha.brands import BrandMatcher
from escucha.config import parse_config
from escucha.demo import DEMO_FILES, demo_config_text, demo_path
from escucha.listen.dates import parse_date
from escucha.query import parse, select_posts
from escucha.store import db, search
from escucha.store.schema import brand_mentions, enrichments, posts

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


def bench_rows(size: int):
    """Batches of (posts, enrichments, brand mentions) rows, 50,000 posts each."""
    base = [(*row, folded_words(row[2])) for row in demo_rows()]
    fetched = datetime(2024, 1, 1, tzinfo=UTC)
    batch: tuple[list, list, list] = ([], [], [])
    for i in range(1, size + 1):
        source, author, text, created, lang, sentiment, intents, brands, words = base[i % len(base)]
        url = f"https://example.org/{i}" if source.startswith("es") else None
        batch[0].append((i, source, f"b{i}", author, text, words, None, created, fetched, url))
        scores = [0.8 if s == sentiment else 0.1 for s in ("negative", "neutral", "positive")]
        flags = [0.9 if n in intents else 0.05 for n in INTENTS]
        batch[1].append((i, MODEL, lang, sentiment, *scores, *flags, intents, fetched))
        batch[2].extend((i, b, "bench") for b in brands)
        if len(batch[0]) == 50_000 or i == size:
            yield batch
            batch = ([], [], [])


POST_COLUMNS = ("id", "source", "native_id", "author_handle", "text", "words", "lang_hint")
POST_COLUMNS += ("created_at", "fetched_at", "url")
ENRICHMENT_COLUMNS = ("post_id", "model_version", "lang", "sentiment", "negative", "neutral")
ENRICHMENT_COLUMNS += ("positive", *INTENTS, "intents", "enriched_at")


def build_sqlite(path: Path, size: int) -> None:
    """A migrated SQLite store with `size` posts, their enrichments and brand mentions."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    dialect = pysqlite.dialect()
    to_sql_time = DateTime().dialect_impl(dialect).bind_processor(dialect)
    conn = sqlite3.connect(path)
    for post_rows, enrich, mentions in bench_rows(size):
        conn.executemany(
            f"INSERT INTO posts ({', '.join(POST_COLUMNS)}) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (*r[:7], to_sql_time(r[7]) if r[7] else None, to_sql_time(r[8]), r[9])
                for r in post_rows
            ],
        )
        conn.executemany(
            f"INSERT INTO enrichments ({', '.join(ENRICHMENT_COLUMNS)}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*r[:12], json.dumps(r[12]), to_sql_time(r[13])) for r in enrich],
        )
        conn.executemany("INSERT INTO brand_mentions VALUES (?,?,?)", mentions)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def postgres_store(url: str, size: int) -> sa.Engine:
    """The schema bench_query_<size> of that database, built on first use."""
    schema = f"bench_query_{size}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    engine = db.make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    with engine.connect() as conn:
        built = sa.inspect(conn).has_table("posts") and conn.scalar(
            sa.select(sa.func.count()).select_from(posts)
        )
    if built == size:
        return engine
    if built is not None and built is not False:
        raise SystemExit(f"schema {schema} holds {built} posts: drop it first")
    start = time.perf_counter()
    db.migrate(engine)
    with engine.begin() as conn:
        search.drop_word_index(conn)  # built once at the end: faster than row by row
        for post_rows, enrich, mentions in bench_rows(size):
            conn.execute(
                sa.insert(posts), [dict(zip(POST_COLUMNS, r, strict=True)) for r in post_rows]
            )
            conn.execute(
                sa.insert(enrichments),
                [dict(zip(ENRICHMENT_COLUMNS, r, strict=True)) for r in enrich],
            )
            keys = ("post_id", "brand", "matcher")
            conn.execute(
                sa.insert(brand_mentions), [dict(zip(keys, r, strict=True)) for r in mentions]
            )
        search.create_word_index(conn)
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('posts', 'id'), {size})")
    # What autovacuum does to a store soon after an import (PostgreSQL >= 13 vacuums after
    # inserts too): statistics, and the visibility map without which no index is read alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        all_visible(conn)
    print(f"# built {schema} in {time.perf_counter() - start:.0f} s")
    return engine


def all_visible(conn: sa.Connection) -> None:
    """VACUUM again the tables whose pages the first VACUUM left not all visible: it does so
    while a transaction that began before the import's end is still open (likely an
    autovacuum worker started during the import), and every index-only scan then reads the
    table's rows too
    (2026-12-01, 1M posts: `brand:Iberia AND sentiment:negative` 0.32 s server CPU with the
    enrichments so left, 0.14 s once vacuumed again)."""
    for _ in range(10):
        behind = [
            table
            for table in ("posts", "enrichments", "brand_mentions")
            if conn.exec_driver_sql(
                "SELECT relallvisible < relpages FROM pg_class WHERE oid = to_regclass(%(t)s)",
                {"t": table},
            ).scalar()
        ]
        if not behind:
            return
        print(f"# not all visible after VACUUM: {', '.join(behind)}; again in 5 s")
        time.sleep(5)
        for table in behind:
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench"))
    parser.add_argument("--postgres", help="a PostgreSQL URL: bench there instead of SQLite")
    parser.add_argument(
        "--server-cpu",
        action="store_true",
        help="PostgreSQL on this machine: parallel workers off, the server process's CPU s",
    )
    args = parser.parse_args()
    if args.server_cpu and not args.postgres:
        parser.error("--server-cpu needs --postgres")
    if args.postgres:
        engine = postgres_store(args.postgres, args.size)
        with engine.connect() as conn:
            database = "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar())
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        path = args.workdir / f"query-{args.size}.db"
        if not path.exists():
            start = time.perf_counter()
            build_sqlite(path.with_suffix(".partial"), args.size)
            path.with_suffix(".partial").replace(path)
            print(f"# built {path} in {time.perf_counter() - start:.0f} s")
        engine = db.make_engine(f"sqlite:///{path}")
        database = f"SQLite {sqlite3.sqlite_version}"
    print(
        f"# escucha query benchmark, {date.today()}, {cpu_model()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, {database}, "
        f"{args.size:,} posts, p50 of {args.repeat} runs"
    )
    server = " server CPU s |" if args.server_cpu else ""
    print(f"| query | posts found | p50 s | CPU s |{server}")
    print("|---|---:|---:|---:|" + ("---:|" if server else ""))
    with engine.connect() as conn:
        pid = None
        if args.server_cpu:
            conn.exec_driver_sql("SET max_parallel_workers_per_gather = 0")
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        for text in QUERIES:
            query = parse(text)
            times, cpu, backend, found = [], [], [], 0
            for _ in range(args.repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                start_backend = backend_cpu(pid) if pid else 0.0
                found = len(select_posts(conn, query, MODEL))
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                backend.append(backend_cpu(pid) - start_backend if pid else 0.0)
            p50, cpu50 = statistics.median(times), statistics.median(cpu)
            extra = f" {statistics.median(backend):.2f} |" if pid else ""
            print(f"| `{text}` | {found:,} | {p50:.2f} | {cpu50:.2f} |{extra}")


if __name__ == "__main__":
    main()
