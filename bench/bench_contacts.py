"""Benchmark: contacts from authors, merge suggestions, and a page of contacts, on SQLite.

Fills a fresh workspace with N authors (Reddit, Bluesky and Mastodon accounts, a share of
them the same person on two platforms), then times:

- building the contacts from the authors (target: 1M authors in under 60 s);
- merge suggestions over the N identities (target: 1M in under 2 minutes);
- the first page of 50 contacts with readiness, p95 of 20 reads (target: under 300 ms).

    python bench/bench_contacts.py [--authors 1000000] [--workdir /tmp/escucha-bench-contacts]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import time
from pathlib import Path

from machine import cpu_model

from escucha.community.build import build_contacts
from escucha.community.resolve import suggestions
from escucha.community.views import list_contacts
from escucha.config import default_config
from escucha.workspace import init_workspace

PLATFORMS = (("reddit", ""), ("bluesky", ""), ("mastodon", "mastodon.social"))


def fill_authors(ws, n: int) -> None:
    """N authors; every 20th person also has an account on the next platform."""
    rows = []
    for i in range(n):
        person = i if i % 20 else i - 1  # pairs: the same name part on two platforms
        kind, instance = PLATFORMS[i % 3]
        name = f"user{person}"
        handle = f"{name}.bsky.social" if kind == "bluesky" else name
        rows.append((kind, instance, str(i), handle, f"User {person}", "bench"))
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO authors (platform, instance, account_id, handle, display_name, "
            "first_source) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--authors", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-contacts"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    ws = init_workspace(args.workdir, default_config("bench"))
    fill_authors(ws, args.authors)

    start = time.perf_counter()
    created = build_contacts(ws)
    build_seconds = time.perf_counter() - start

    start = time.perf_counter()
    found = suggestions(ws)
    suggest_seconds = time.perf_counter() - start

    page_ms = []
    for _ in range(20):
        start = time.perf_counter()
        list_contacts(ws, limit=50)
        page_ms.append((time.perf_counter() - start) * 1000)
    result = {
        "authors": args.authors,
        "contacts_created": created,
        "build_seconds": round(build_seconds, 1),
        "suggestions": len(found),
        "suggest_seconds": round(suggest_seconds, 1),
        "page_p95_ms": round(statistics.quantiles(page_ms, n=20)[18], 1),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
