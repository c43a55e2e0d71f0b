"""Benchmark: themes of 50,000 posts (the demo's airline tweets, repeated with fresh ids);
with --ami, how well themes match annotated complaint reasons.

    python bench/bench_themes.py [--workspace /tmp/themes-demo] [--n 50000]
    python bench/bench_themes.py --ami [--half tune|sealed|all] [--grid] [--data DIR]

--ami finds the themes of every negative post of the two airline files in --data (default
/work/shared/data/airlines) and prints the AMI between the themes of the annotated posts
(src/escucha/insights/annotations) and their reasons, per language and overall, for one
half of the set (default: tune), then runs again and says whether the themes were the same.
--grid scores each knob setting on the tune half and on its two folds (even and odd
positions), to choose the knobs; the sealed half is for one final number.

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


GRID: dict[str, dict] = {
    "data only": {"concepts": False},
    "concepts, no expansion": {"concepts": True, "expand": None},
    "concepts, expand 0.4": {"concepts": True, "expand": 0.4},
    "concepts, expand 0.5": {"concepts": True, "expand": 0.5},
    "concepts, expand 0.6": {"concepts": True, "expand": 0.6},
}


def ami_main(args: argparse.Namespace) -> None:
    from escucha.insights import theme_eval

    annotations = theme_eval.load_annotations(args.annotations)
    print(f"date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.platform()}")
    settings = GRID if args.grid else {"defaults": {}}
    for name, knobs in settings.items():
        start = time.perf_counter()
        assigned, themes = theme_eval.evaluate(args.data, annotations, **knobs)
        seconds = time.perf_counter() - start
        halves = ["tune", "tune-even", "tune-odd"] if args.grid else [args.half]
        for half in halves:
            chosen = annotations
            if half.startswith("tune-"):
                tune = [a for a in annotations if a["half"] == "tune"]
                parity = 0 if half.endswith("even") else 1
                chosen = [a for i, a in enumerate(tune) if i % 2 == parity]
                half = "all"
            result = theme_eval.score(chosen, assigned, half)
            shown = ", ".join(f"{k} {v:.3f} (n={result.n[k]})" for k, v in result.ami.items())
            print(f"{name} [{half if chosen is annotations else 'fold'}]: AMI {shown}")
        real = [t for t in themes if not t.other]
        print(f"  {len(real)} themes, {seconds:.1f} s")
    if not args.grid and args.stable:
        again, _ = theme_eval.evaluate(args.data, annotations)
        print(f"stable across runs: {'yes' if again == assigned else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/themes-demo"))
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ami", action="store_true", help="AMI against annotated reasons")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/airlines"))
    parser.add_argument("--annotations", type=Path, default=None)
    parser.add_argument("--half", choices=["tune", "sealed", "all"], default="tune")
    parser.add_argument("--grid", action="store_true", help="score each knob setting")
    parser.add_argument("--no-stable", dest="stable", action="store_false")
    args = parser.parse_args()
    if args.ami:
        if args.annotations is None:
            from escucha.insights.theme_eval import ANNOTATIONS

            args.annotations = ANNOTATIONS
        ami_main(args)
        return

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
