"""Benchmark: themes of 50,000 posts (the demo's airline tweets, repeated with fresh ids).

    python bench/bench_themes.py [--workspace /tmp/themes-demo] [--n 50000]

Copies after the first drop one random word from each post (fixed seed), so the corpus is
not 2.2 copies of the same texts. Times find_themes over all n posts (every language, as
one call) and, separately, the complaint posts only; prints time, peak RSS, machine, date.
Builds the demo workspace first if the folder has none (about 15 s, not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import time
from pathlib import Path

from machine import cpu_model


def demo_posts(folder: Path):
    from escucha.workspace import open_workspace

    if not (folder / "escucha.toml").exists():
        from escucha.demo import run_demo

        run_demo(folder)
    return open_workspace(folder).posts()


def grown(posts, n: int, seed: int):
    """`n` posts: the originals, then perturbed copies with fresh ids."""
    import pandas as pd

    rng = random.Random(seed)
    parts = [posts]
    total, copy = len(posts), 1
    while total < n:
        extra = posts.head(n - total).copy()
        extra["id"] = extra["id"] + copy * 10_000_000
        extra["native_id"] = [f"{v}-copy{copy}" for v in extra["native_id"]]
        extra["text"] = [_drop_word(t, rng) for t in extra["text"]]
        parts.append(extra)
        total += len(extra)
        copy += 1
    return pd.concat(parts, ignore_index=True)


def _drop_word(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/themes-demo"))
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from escucha.insights.themes import find_themes

    posts = grown(demo_posts(args.workspace), args.n, args.seed)
    complaints = posts[["complaint" in (i if i is not None else ()) for i in posts["intents"]]]
    print(f"date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()}")
    for name, frame in (("all posts", posts), ("complaints", complaints)):
        start = time.perf_counter()
        themes = find_themes(frame)
        seconds = time.perf_counter() - start
        real = [t for t in themes if not t.other]
        other = sum(t.size for t in themes if t.other)
        languages = sorted({t.lang for t in themes})
        print(
            f"{name}: {len(frame):,} posts -> {len(real)} themes ({', '.join(languages)}), "
            f"{other:,} in other, {seconds:.1f} s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
