"""Generate a large PostgreSQL workspace for the load and soak tests (issue 16, item 4).

The seed is the real airline posts (/work/shared/data/airlines/*.jsonl, see its README for
origin and licences), imported and analysed by escucha itself into a PostgreSQL database, so
the model version, the brand rules' fingerprint, the languages and the enrichments are the
app's own. Then `--posts` posts in all are written with COPY, each a seed post with:

- a date spread over the last `--days` days (more posts in recent months),
- an author from a pool of `--authors` synthetic accounts per source (a few very active,
  most posting rarely),
- its brands varied: the handles and hashtags of the airline it names are swapped, in one post
  out of two, for those of another airline of the same market (the Spanish or the US one), and
  its brand mentions and folded words (`posts.words`, which the query index reads) recomputed,
- the seed post's enrichment (same model version), its brand mentions and engagement counts.

Batches of `--batch` posts are one transaction each (posts, enrichments, brand mentions,
engagement), so a run stopped half-way resumes where it stopped and a rerun adds nothing.
Secondary indexes are dropped during the load and built once at the end (their definitions are
kept in the workspace folder until then), foreign-key triggers are off in the loading session
(the rows are consistent by construction), and with them the triggers that mark the days the
mention rollup must recompute (store/rollup.py): the rollup is rebuilt at the end, timed.
Prints rows per second.

    python bench/load_generate.py [--posts 10000000] [--folder /tmp/escucha-load]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_load]

The database must exist (`createdb -h 127.0.0.1 -U postgres escucha_load`); `--drop` drops
it afterwards instead.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Table

from escucha.store.schema import brand_mentions, enrichments, post_engagement, posts

DATA = Path("/work/shared/data/airlines")
SEED_FILES = {  # file -> (source, mapping, url template), as the demo imports them
    "es_airline_tweets.jsonl": (
        "es_airline_tweets",
        {"id": "tweet_id"},
        "https://twitter.com/i/web/status/{id}",
    ),
    "us_airline_tweets.jsonl": ("us_airline_tweets", {"id": "row"}, None),
}
MARKETS = (
    ("Iberia", "Ryanair", "Vueling", "Air Europa", "easyJet"),
    (
        "United Airlines",
        "American Airlines",
        "Delta",
        "JetBlue",
        "Southwest",
        "US Airways",
        "Virgin America",
    ),
)
WEB = (
    '\n[web]\nredis_url = "redis://127.0.0.1:6379/0"\n'
    "token_requests_per_minute = 100000000\nuser_requests_per_minute = 100000000\n"
)
# Every column of the tables written, as the schema declares them (an enrichment's id is its
# sequence's): a generated post is its seed post with the values below changed, a column added
# to `posts` or `enrichments` is copied from the seed, and one added to the other tables fails
# the load until write_batch gives it a value.
POST_COLUMNS = tuple(c.name for c in posts.columns)
ENRICHMENT_COLUMNS = tuple(c.name for c in enrichments.columns if c.name != "id")
MENTION_COLUMNS = tuple(c.name for c in brand_mentions.columns)
ENGAGEMENT_COLUMNS = tuple(c.name for c in post_engagement.columns)
BULK_TABLES = ("posts", "enrichments", "brand_mentions", "post_engagement", "authors")
PREFIX = "load-"  # native ids of the generated posts


def app_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def driver_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def seed(folder: Path, url: str) -> None:
    """The workspace folder and its store holding the real posts, imported and analysed."""
    from escucha.demo import demo_config_text
    from escucha.workspace import init_workspace

    os.environ["ESCUCHA_DATABASE_URL"] = app_url(url)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "escucha.toml"
    if not config.exists():
        config.write_text(demo_config_text() + WEB, encoding="utf-8")
    ws = init_workspace(folder)
    for name, (source, mapping, template) in SEED_FILES.items():
        ws.import_file(DATA / name, source=source, mapping=mapping, url_template=template)
    analysis = ws.analyze()
    ws.engine.dispose()
    print(f"seed: {analysis['enriched']:,} posts analysed now", flush=True)


class Variants:
    """Each seed post, and the same post naming another airline of its market."""

    def __init__(self, folder: Path) -> None:
        from escucha.brands import BrandMatcher
        from escucha.config import load_config

        config = load_config(folder)
        brands = {b.name: b for b in (config.brand, *config.competitors)}
        self.matcher = BrandMatcher(tuple(brands.values()))
        self.swaps: dict[str, dict[str, str]] = {}  # brand -> {folded tag: replacement}
        for market in MARKETS:
            for i, name in enumerate(market):
                other = brands[market[(i + 1 + i % 2) % len(market)]]
                swap = {}
                for own, theirs in (
                    (brands[name].handles, other.handles),
                    (brands[name].hashtags, other.hashtags),
                ):
                    for tag in own:
                        swap[tag.lower()] = theirs[0]
                self.swaps[name] = swap
        tags = sorted({t for s in self.swaps.values() for t in s}, key=len, reverse=True)
        self.pattern = re.compile(
            "(" + "|".join(re.escape(t) for t in tags) + r")(?!\w)", re.IGNORECASE
        )

    def other(self, text: str, brands: list[str]) -> str | None:
        """The text with its first brand's handles and hashtags swapped; None if none."""
        swap = next((self.swaps[b] for b in brands if b in self.swaps), None)
        if not swap:
            return None
        changed = self.pattern.sub(lambda m: swap.get(m[1].lower(), m[1]), text)
        return changed if changed != text else None


def selected(alias: str, table: Table, columns: tuple[str, ...]) -> str:
    """The columns of `table` (as `alias`) in a SELECT list, JSON ones as their text for COPY."""
    return ", ".join(
        f'{alias}."{name}"' + ("::text" if isinstance(table.c[name].type, JSON) else "")
        for name in columns
    )


Seed = tuple[dict[str, Any], dict[str, Any], list[str]]  # post, its enrichment, its brands


def seed_rows(conn, folder: Path) -> tuple[list[Seed], str, str]:
    """Each seed post and its variant (their columns by name, their enrichment and brands); the
    model version and the brand rules' fingerprint."""
    from bulk_posts import folded_words

    with conn.cursor() as cur:
        cur.execute("SELECT value FROM settings WHERE key = 'brand_matcher'")
        matcher = cur.fetchone()[0]
        cur.execute(
            f"SELECT {selected('p', posts, POST_COLUMNS)}, "
            f"{selected('e', enrichments, ENRICHMENT_COLUMNS)}, "
            "coalesce((SELECT array_agg(b.brand) FROM brand_mentions b "
            "WHERE b.post_id = p.id AND b.matcher = %s), '{}') "
            "FROM posts p JOIN enrichments e ON e.post_id = p.id "
            "WHERE p.native_id NOT LIKE %s AND p.deleted_at IS NULL ORDER BY p.id",
            (matcher, PREFIX + "%"),
        )
        rows = cur.fetchall()
    split = len(POST_COLUMNS)
    variants = Variants(folder)
    out: list[Seed] = []
    for row in rows:
        post = dict(zip(POST_COLUMNS, row[:split], strict=True))
        enrichment = dict(zip(ENRICHMENT_COLUMNS, row[split:-1], strict=True))
        brands = list(row[-1])
        out.append((post, enrichment, brands))
        changed = variants.other(post["text"], brands)
        if changed is not None:
            variant = {**post, "text": changed, "words": folded_words(changed)}
            out.append((variant, enrichment, variants.matcher.match(changed)))
    return out, out[0][1]["model_version"], matcher


def ordered(columns: tuple[str, ...], values: dict[str, Any]) -> tuple:
    """A row for COPY: `values` in the order of `columns` (a missing column is a KeyError)."""
    return tuple(values[name] for name in columns)


def drop_indexes(conn, folder: Path) -> None:
    """Drop the secondary (non-unique) indexes of the bulk tables, keeping their definitions."""
    kept = folder / "dropped_indexes.json"
    saved = json.loads(kept.read_text()) if kept.exists() else {}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary "
            "AND t.relnamespace = to_regnamespace(current_schema())::oid",
            (list(BULK_TABLES),),
        )
        found = dict(cur.fetchall())
        saved.update(found)
        kept.write_text(json.dumps(saved, indent=1))
        for name in found:
            cur.execute(f'DROP INDEX "{name}"')
    conn.commit()


def build_indexes(conn, folder: Path) -> float:
    kept = folder / "dropped_indexes.json"
    if not kept.exists():
        return 0.0
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in json.loads(kept.read_text()).items():
            cur.execute("SELECT to_regclass(%s)", (name,))
            if cur.fetchone()[0] is None:
                t = time.perf_counter()
                cur.execute(definition)
                conn.commit()
                print(f"  index {name}: {time.perf_counter() - t:.0f} s", flush=True)
        cur.execute("ANALYZE")
    conn.commit()
    kept.unlink()
    return time.perf_counter() - started


def ensure_authors(conn, count: int) -> dict[str, int]:
    """`count` synthetic accounts per seed source (ids consecutive); each source's first id."""
    first = {}
    with conn.cursor() as cur:
        for source in (s for s, _m, _u in SEED_FILES.values()):
            cur.execute(
                "SELECT min(id), count(*) FROM authors WHERE platform = %s AND account_id LIKE %s",
                (source, PREFIX + "%"),
            )
            low, have = cur.fetchone()
            if have < count:
                cur.execute("SELECT coalesce(max(id), 0) FROM authors")
                start = cur.fetchone()[0] + 1
                low = start if have == 0 else low
                if have and low + have != start:
                    raise SystemExit(f"the synthetic authors of {source} are not consecutive")
                with cur.copy(
                    "COPY authors (id, platform, instance, account_id, handle, followers, "
                    "first_source) FROM STDIN"
                ) as copy:
                    rng = random.Random(source)
                    for k in range(have, count):
                        handle = f"{PREFIX}{source[:2]}{k}"
                        followers = int(rng.paretovariate(1.2) * 50)
                        copy.write_row(
                            (start + k - have, source, "", handle, handle, followers, source)
                        )
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence('authors', 'id'), "
                    "(SELECT max(id) FROM authors))"
                )
            first[source] = low
    conn.commit()
    return first


def write_batch(conn, start: int, stop: int, ctx: dict) -> int:
    """Posts with ids start..stop-1 and their rows in the other tables; the rows written."""
    base, matcher, now = ctx["base"], ctx["matcher"], ctx["now"]
    authors, pool, days, first_id = ctx["authors"], ctx["pool"], ctx["days"], ctx["first_id"]
    rng = random.Random(start)
    span = days * 86400
    written: dict[str, list[tuple]] = {
        "posts": [],
        "enrichments": [],
        "brand_mentions": [],
        "post_engagement": [],
    }
    for pid in range(start, stop):
        post, enrichment, brands = base[rng.randrange(len(base))]
        source = post["source"]
        k = int(pool * rng.random() ** 3)  # a few accounts post most
        handle = f"{PREFIX}{source[:2]}{k}"
        created = now - timedelta(seconds=span * (1 - math.sqrt(rng.random())))
        fetched = created + timedelta(seconds=rng.randrange(60, 3600))
        n = pid - first_id
        generated = {
            "id": pid,
            "native_id": f"{PREFIX}{n}",
            "author_id": authors[source] + k,
            "author_handle": handle,
            "created_at": created,
            "fetched_at": fetched,
            "url": f"https://example.org/load/{n}" if post["url"] else None,
            "import_run_id": None,  # no import run wrote it
        }
        written["posts"].append(ordered(POST_COLUMNS, {**post, **generated}))
        written["enrichments"].append(
            ordered(ENRICHMENT_COLUMNS, {**enrichment, "post_id": pid, "enriched_at": fetched})
        )
        written["brand_mentions"].extend(
            ordered(MENTION_COLUMNS, {"post_id": pid, "brand": b, "matcher": matcher})
            for b in brands
        )
        likes = int(rng.paretovariate(1.5)) - 1
        reposts = int(rng.paretovariate(2.0)) - 1
        replies = rng.randrange(3)
        followers = int(rng.paretovariate(1.2) * 50)
        counts = {
            "post_id": pid,
            "followers": followers,
            "likes": likes,
            "reposts": reposts,
            "replies": replies,
            "score": None,
            "engagement": likes + reposts + replies,
            "measured_at": fetched,
        }
        written["post_engagement"].append(ordered(ENGAGEMENT_COLUMNS, counts))
    columns = {
        "posts": POST_COLUMNS,
        "enrichments": ENRICHMENT_COLUMNS,
        "brand_mentions": MENTION_COLUMNS,
        "post_engagement": ENGAGEMENT_COLUMNS,
    }
    with conn.cursor() as cur:
        for table, rows in written.items():
            names = ", ".join(f'"{name}"' for name in columns[table])
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    conn.commit()
    return sum(len(rows) for rows in written.values())


def finish(conn) -> None:
    """Sequences past the generated ids; the settings the reads' data version includes."""
    with conn.cursor() as cur:
        for table in ("posts", "enrichments"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cur.execute("SELECT max(id) FROM posts")
        top = cur.fetchone()[0]
        cur.execute("UPDATE settings SET value = %s WHERE key = 'brand_matcher_upto'", (str(top),))
        cur.execute(
            "INSERT INTO settings (key, value) VALUES ('engagement_updated', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (datetime.now(UTC).isoformat(),),
        )
    conn.commit()


def rebuild_rollup(url: str) -> float:
    """The mention rollup built again for the stored model versions: the COPY above ran
    without its triggers."""
    from escucha.store import rollup
    from escucha.store.db import make_engine

    started = time.perf_counter()
    engine = make_engine(app_url(url))
    with engine.begin() as conn:
        rollup.rebuild(conn, rollup.stored_versions(conn))
    engine.dispose()
    return time.perf_counter() - started


def generate(folder: Path, url: str, total: int, batch: int, days: int, pool: int) -> dict:
    import psycopg

    seed(folder, url)
    with psycopg.connect(driver_url(url), autocommit=False) as conn:
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # no FK triggers here
            cur.execute("SET synchronous_commit = off")
            cur.execute("SELECT count(*), max(id) FROM posts")
            have, top = cur.fetchone()
            cur.execute("SELECT min(id) - 1 FROM posts WHERE native_id LIKE %s", (PREFIX + "%",))
            before = cur.fetchone()[0]
        conn.commit()
        first_id = before + 1 if before is not None else top + 1
        base, model, matcher = seed_rows(conn, folder)
        ctx = {
            "base": base,
            "model": model,
            "matcher": matcher,
            "now": datetime.now(UTC).replace(microsecond=0),
            "authors": ensure_authors(conn, pool),
            "pool": pool,
            "days": days,
            "first_id": first_id,
        }
        todo = total - have
        print(
            f"{have:,} posts stored, {max(todo, 0):,} to write ({len(base):,} seed variants, "
            f"model {model})",
            flush=True,
        )
        rows = 0
        started = time.perf_counter()
        if todo > 0:
            drop_indexes(conn, folder)
            nxt = top + 1
            stop = top + 1 + todo
            while nxt < stop:
                end = min(nxt + batch, stop)
                rows += write_batch(conn, nxt, end, ctx)
                nxt = end
                elapsed = time.perf_counter() - started
                print(
                    f"  {end - first_id:,} generated posts, {rows / elapsed:,.0f} rows/s",
                    flush=True,
                )
        load_s = time.perf_counter() - started
        index_s = build_indexes(conn, folder)
        finish(conn)
        rollup_s = rebuild_rollup(url)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM posts")
            count = cur.fetchone()[0]
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
    return {
        "posts": count,
        "written_posts": max(todo, 0),
        "rows": rows,
        "load_s": load_s,
        "rows_per_s": rows / load_s if rows else 0.0,
        "index_s": index_s,
        "rollup_s": rollup_s,
        "database_gb": size / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000_000, help="posts in all")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/escucha-load"))
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/escucha_load")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--authors", type=int, default=200_000, help="accounts per source")
    parser.add_argument("--drop", action="store_true", help="drop the database and stop")
    args = parser.parse_args()
    database = args.url.rsplit("/", 1)[1].split("?")[0]
    if args.drop:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        return
    result = generate(args.folder, args.url, args.posts, args.batch, args.days, args.authors)
    print(
        f"{result['posts']:,} posts stored; {result['written_posts']:,} written now, "
        f"{result['rows']:,} rows in {result['load_s']:.0f} s ({result['rows_per_s']:,.0f} "
        f"rows/s, {result['written_posts'] / max(result['load_s'], 1e-9):,.0f} posts/s); "
        f"indexes {result['index_s']:.0f} s; rollup {result['rollup_s']:.0f} s; "
        f"database {result['database_gb']:.1f} GB"
    )
    (args.folder / "generate.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
