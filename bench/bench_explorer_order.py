"""Benchmark: the explorer's date order over a SQLite store of N posts.

The explorer lists posts newest (or oldest) first by their date. The order of every post is
read once per data version (`reads.posts.sorted_ids`, an ORDER BY on the created_at index) and
cached; a query's posts are then kept in that order. This times the cold read of the order,
ordering a query's selection (one post in ten) by it, and one page of 25 posts fetched. The
posts hold their folded words and word index, as the writer stores them (`bulk_posts`).

    python bench/bench_explorer_order.py [--size 1000000] [--workdir /tmp/escucha-bench-order]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-order"))
    args = parser.parse_args()
    from bulk_posts import check_word_query, indexed_at_once, words_function
    from sqlalchemy import text

    from escucha.config import Config
    from escucha.reads.posts import fetch, sorted_ids
    from escucha.workspace import init_workspace

    shutil.rmtree(args.workdir, ignore_errors=True)
    workspace = init_workspace(args.workdir, Config("bench", ("es",), None, (), ()))
    with workspace.engine.begin() as conn, indexed_at_once(conn):
        words_function(conn)
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :size) "
                "INSERT INTO posts (id, source, native_id, text, words, created_at, fetched_at) "
                "SELECT i, 'bench', i, 'post ' || i, folded_words('post ' || i), "
                "CASE WHEN i % 97 = 0 THEN NULL ELSE "
                "datetime('2017-01-01', '+' || ((i * 7919) % 31536000) || ' seconds') END, "
                "'2026-01-01 00:00:00' FROM n"
            ),
            {"size": args.size},
        )
    check_word_query(workspace.engine, "post")
    for sort in ("newest", "oldest"):
        start = time.perf_counter()
        with workspace.engine.connect() as conn:
            order = sorted_ids(conn, sort)
        read = time.perf_counter() - start
        wanted = tuple(range(1, args.size + 1, 10))
        start = time.perf_counter()
        chosen = order.keep(wanted)
        ordering = time.perf_counter() - start
        start = time.perf_counter()
        with workspace.engine.connect() as conn:
            fetch(conn, chosen[25 * 100 : 25 * 101], "none")
        page = time.perf_counter() - start
        print(
            f"{args.size:,} posts, {sort}: order read {read:.2f} s; a selection of "
            f"{len(chosen):,} ordered in {ordering:.2f} s; page 101 fetched in {page * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
