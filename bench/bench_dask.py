"""Re-analysis (`escucha analyze --all`) on the local engine and on Dask, and its parts alone.

    python bench/bench_dask.py [--posts 200000] [--postgres URL]

Builds a SQLite workspace of --posts posts (the bundled real airline tweets repeated with fresh
ids, as bench_import.py does), analyses it once, then times a full re-analysis with the local
engine, with Dask on 1 worker and on 2 workers (LocalCluster, one thread per worker process;
the cluster's start is timed apart). Then the parts alone, on the same posts: the models
(PostReader.read in this process, one thread), reading the texts out of the store, and the
store's write path (the re-analysis upsert of every post's enrichment row, in the batches the
engines write), on SQLite and, with --postgres, on a fresh schema of that PostgreSQL database
(dropped afterwards). Prints one JSON object; docs/benchmarks.md holds the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
import uuid
from pathlib import Path

from dask_setup import analysed_workspace  # first: one BLAS thread per process


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (Dask's nannies and workers):
    on a shared machine, what a run costs whatever the others take."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def write_path(engine, rows_for, ids: list[int]) -> float:
    """Seconds to upsert one enrichment row per post id, a partition per transaction."""
    from escucha.enrich import PARTITION_SIZE, write_enrichments

    start = time.perf_counter()
    for at in range(0, len(ids), PARTITION_SIZE):
        chunk = ids[at : at + PARTITION_SIZE]
        with engine.begin() as conn:
            write_enrichments(conn, rows_for(chunk), replace=True)
    return time.perf_counter() - start


def postgres_copy(url: str, source) -> tuple[object, str]:
    """A fresh schema on `url` holding the workspace's posts (for the write path alone)."""
    import sqlalchemy as sa

    from escucha.store import db
    from escucha.store.schema import posts

    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    engine = db.make_engine(f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}")
    db.migrate(engine)
    with source.connect() as reading:
        result = reading.execution_options(yield_per=20_000).execute(sa.select(posts))
        for batch in result.partitions():
            with engine.begin() as conn:
                conn.execute(
                    sa.insert(posts),
                    [{**r._asdict(), "author_id": None, "import_run_id": None} for r in batch],
                )
    return engine, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL for the write path alone")
    args = parser.parse_args()

    import sqlalchemy as sa
    from machine import cpu_model

    from escucha.enrich import enrichment_rows, reader_for
    from escucha.store.schema import posts

    out: dict[str, object] = {
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "posts": args.posts,
    }
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        ws = analysed_workspace(Path(tmp), args.posts)  # each run below re-reads every post
        runs = {
            "local": lambda: ws.analyze(everything=True),
            "dask_1": lambda: ws.analyze(everything=True, engine="dask", workers=1),
            "dask_2": lambda: ws.analyze(everything=True, engine="dask", workers=2),
        }
        for name, run in runs.items():
            cpu_before = cpu_seconds()
            seconds = timed(run)
            cpu = cpu_seconds() - cpu_before
            out[name] = {
                "seconds": round(seconds, 2),
                "posts_per_s": round(args.posts / seconds),
                "cpu_seconds": round(cpu, 2),
                "posts_per_cpu_s": round(args.posts / cpu),
            }

        from distributed import Client, LocalCluster

        def start_cluster() -> None:
            with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c:
                Client(c).close()

        out["cluster_start_and_stop_s"] = round(timed(start_cluster), 2)

        languages = tuple(ws.config.languages)
        reader = reader_for(languages)
        with ws.engine.connect() as conn:
            rows = conn.execute(sa.select(posts.c.id, posts.c.text, posts.c.lang_hint)).all()
        cpu_before = cpu_seconds()
        seconds = timed(lambda: enrichment_rows(reader, rows, languages))
        out["models_alone_posts_per_s"] = round(len(rows) / seconds)
        out["models_alone_posts_per_cpu_s"] = round(len(rows) / (cpu_seconds() - cpu_before))

        def read_texts() -> None:
            with ws.engine.connect() as conn:
                result = conn.execution_options(yield_per=5000).execute(
                    sa.select(posts.c.id, posts.c.text, posts.c.lang_hint)
                )
                for _ in result.partitions():
                    pass

        out["read_texts_alone_posts_per_s"] = round(len(rows) / timed(read_texts))

        sample = enrichment_rows(reader, rows[:5000], languages)

        def rows_for(ids: list[int]) -> list[dict]:
            return [
                {**sample[i % len(sample)], "post_id": post_id} for i, post_id in enumerate(ids)
            ]

        ids = [row.id for row in rows]
        cpu_before = cpu_seconds()
        seconds = write_path(ws.engine, rows_for, ids)
        out["sqlite_write_path_rows_per_s"] = round(len(ids) / seconds)
        out["sqlite_write_path_rows_per_cpu_s"] = round(len(ids) / (cpu_seconds() - cpu_before))
        if args.postgres:
            engine, schema = postgres_copy(args.postgres, ws.engine)
            try:
                first = write_path(engine, rows_for, ids)  # rows inserted
                again = write_path(engine, rows_for, ids)  # rows replaced (re-analysis)
                out["postgres_write_path_insert_rows_per_s"] = round(len(ids) / first)
                out["postgres_write_path_upsert_rows_per_s"] = round(len(ids) / again)
            finally:
                engine.dispose()
                admin = sa.create_engine(args.postgres)
                with admin.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
        ws.engine.dispose()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
