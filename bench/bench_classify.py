"""Throughput of the whole classify path against VADER alone, on the same posts.

    python bench/bench_classify.py --data ../shared/data [--n 20000] [--no-card]

Posts: the Spanish and US airline tweets, mixed and shuffled with a fixed seed. escucha runs
language ID + sentiment + intents through PostReader.read in batches of 1000; VADER runs
SentimentIntensityAnalyzer.polarity_scores per text. Prints throughput, the ratio and peak RSS,
and writes them into the benchmark section of docs/model-card.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from escucha.understand.model_card import BENCH_END, BENCH_START  # noqa: E402


def load_posts(data: Path, n: int, seed: int) -> list[str]:
    texts = []
    for name in ("es_airline_tweets.jsonl", "us_airline_tweets.jsonl"):
        with (data / "airlines" / name).open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    random.Random(seed).shuffle(texts)
    return (texts * (n // len(texts) + 1))[:n]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--card", type=Path, default=ROOT / "docs/model-card.md")
    parser.add_argument("--no-card", action="store_true", help="Only print the results.")
    args = parser.parse_args(argv)
    posts = load_posts(args.data, args.n, seed=0)

    t0 = time.perf_counter()
    from escucha.understand import load_reader

    reader = load_reader(["es", "en"])
    load_s = time.perf_counter() - t0
    reader.read(posts[: args.batch])  # warm-up
    t0 = time.perf_counter()
    for i in range(0, len(posts), args.batch):
        reader.read(posts[i : i + args.batch])
    escucha_s = time.perf_counter() - t0
    rss_escucha = peak_rss_mb()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    for text in posts[:1000]:  # warm-up
        vader.polarity_scores(text)
    t0 = time.perf_counter()
    for text in posts:
        vader.polarity_scores(text)
    vader_s = time.perf_counter() - t0

    result = {
        "posts": len(posts),
        "escucha_posts_per_s": round(len(posts) / escucha_s),
        "vader_posts_per_s": round(len(posts) / vader_s),
        "ratio": round(vader_s / escucha_s, 2),
        "load_s": round(load_s, 2),
        "peak_rss_mb_after_escucha": round(rss_escucha, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{os.cpu_count()} cores, {cpu_model()}",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "version": reader.version,
    }
    print(json.dumps(result, indent=2))
    print(
        f"escucha {result['escucha_posts_per_s']:,}/s (language + sentiment + intents), "
        f"VADER {result['vader_posts_per_s']:,}/s (sentiment only): ratio {result['ratio']}x "
        f"(target >= 2x); peak RSS {result['peak_rss_mb']} MB (target <= 300 MB)"
    )
    if not args.no_card and args.card.exists():
        write_card(args.card, result)
    return 0


def write_card(card: Path, r: dict) -> None:
    section = f"""{BENCH_START}
Measured by `python bench/bench_classify.py` on {r["date"]}: {r["machine"]}, Python
{r["python"]}, models {r["version"]}, {r["posts"]:,} airline tweets (es + en mixed), batches of
1000, one process.

| path | posts/s |
|---|---|
| escucha `PostReader.read` (language + sentiment + 5 intents) | {r["escucha_posts_per_s"]:,} |
| VADER `polarity_scores` (English sentiment only) | {r["vader_posts_per_s"]:,} |

Ratio escucha / VADER: **{r["ratio"]}x** (target >= 2x). Model load: {r["load_s"]} s. Peak RSS
of the benchmark process: {r["peak_rss_mb"]} MB (target <= 300 MB).
{BENCH_END}"""
    text = card.read_text(encoding="utf-8")
    if BENCH_START in text and BENCH_END in text:
        start, end = text.index(BENCH_START), text.index(BENCH_END) + len(BENCH_END)
        text = text[:start] + section + text[end:]
    else:
        text += "\n" + section + "\n"
    card.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
