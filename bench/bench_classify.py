"""Throughput of the whole classify path against VADER alone, on the same posts.

    python bench/bench_classify.py --data ../shared/data [--n 20000] [--repeat 3] [--no-card]

Posts: the Spanish and US airline tweets, mixed and shuffled with a fixed seed. escucha runs
language ID + sentiment + intents through PostReader.read in batches of 2000 (the batch size of
`escucha analyze`); VADER runs SentimentIntensityAnalyzer.polarity_scores per text. Both run in
this one process, one thread each, alternately --repeat times over the same posts; each side's
best pass counts (the same rule for both, so that a noisy neighbour on a shared machine does
not decide the ratio). Prints throughput, the ratio, every pass and peak RSS, and writes them
into the benchmark section of docs/model-card.md.
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

# one thread for numpy/scipy too (set before they are imported): a single-core comparison
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from model_card import BENCH_END, BENCH_START  # noqa: E402


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
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--card", type=Path, default=ROOT / "docs/model-card.md")
    parser.add_argument("--no-card", action="store_true", help="Only print the results.")
    args = parser.parse_args(argv)
    posts = load_posts(args.data, args.n, seed=0)

    t0 = time.perf_counter()
    from escucha.understand import load_reader

    reader = load_reader(["es", "en"])
    load_s = time.perf_counter() - t0
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    reader.read(posts[: args.batch])  # warm-up
    for text in posts[:1000]:
        vader.polarity_scores(text)
    escucha_runs, vader_runs = [], []
    for _ in range(args.repeat):
        escucha_runs.append(_timed(lambda: _read_all(reader, posts, args.batch)))
        vader_runs.append(_timed(lambda: [vader.polarity_scores(t) for t in posts]))
    escucha_s, vader_s = min(t for t, _ in escucha_runs), min(t for t, _ in vader_runs)
    escucha_cpu, vader_cpu = min(c for _, c in escucha_runs), min(c for _, c in vader_runs)
    stages = stage_breakdown(reader, posts, args.batch)
    result = {
        "posts": len(posts),
        "escucha_posts_per_s": round(len(posts) / escucha_s),
        "vader_posts_per_s": round(len(posts) / vader_s),
        "ratio": round(vader_s / escucha_s, 2),
        "batch": args.batch,
        "repeat": args.repeat,
        "cpu_ratio": round(vader_cpu / escucha_cpu, 2),
        "escucha_passes_posts_per_s": [round(len(posts) / t) for t, _ in escucha_runs],
        "vader_passes_posts_per_s": [round(len(posts) / t) for t, _ in vader_runs],
        "stages_s": {k: round(v, 4) for k, v in stages.items()},
        "load_s": round(load_s, 2),
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
        f"(CPU time {result['cpu_ratio']}x) "
        f"(target >= 2x); peak RSS {result['peak_rss_mb']} MB (target <= 300 MB)"
    )
    if not args.no_card and args.card.exists():
        write_card(args.card, result)
    return 0


def stage_breakdown(reader, posts: list[str], batch: int) -> dict[str, float]:
    """Seconds per stage of PostReader.read (built-in backend), one extra pass over the posts.

    Calls the stages one after the other as read does, so caches are as cold or warm as in
    a real pass; the links regex runs once per batch and its result is shared (cached).
    """
    from escucha.core.labels import INTENTS
    from escucha.understand.features import mark_links
    from escucha.understand.intents import combine
    from escucha.understand.rules import rule_scores

    scorer = reader._scorer
    names = (
        "URLs and handles (3 regex passes)",
        "language ID (py3langid automaton)",
        "featurise (normalise, hash n-grams, tokens, dense)",
        "sparse x dense product",
        "intent rules",
        "sentiment softmax + intent combination",
        "Reading objects",
    )
    seconds = dict.fromkeys(names, 0.0)
    for i in range(0, len(posts), batch):
        texts = posts[i : i + batch]
        clock = [time.perf_counter()]

        def lap(name: str, clock: list[float] = clock) -> None:
            now = time.perf_counter()
            seconds[name] += now - clock[0]
            clock[0] = now

        mark_links(texts)
        lap(names[0])
        langs = reader._detector.detect(texts)
        lap(names[1])
        analysis = scorer.featuriser.analyse(texts)
        lap(names[2])
        logits = scorer.logits(analysis)
        lap(names[3])
        rules = rule_scores(analysis, INTENTS)
        lap(names[4])
        sent = scorer.sentiment_probs(logits, langs)
        intents = combine(sent, scorer.model_intents(logits), rules, scorer.combine_params)
        lap(names[5])
        reader.readings(langs, sent, intents)
        lap(names[6])
    return seconds


def _timed(run) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) of one call."""
    t0, c0 = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - t0, time.process_time() - c0


def _read_all(reader, posts: list[str], batch: int) -> None:
    for i in range(0, len(posts), batch):
        reader.read(posts[i : i + batch])


def _stage_rows(stages: dict[str, float]) -> str:
    total = sum(stages.values()) or 1.0
    return "\n".join(f"| {k} | {v:.3f} | {100 * v / total:.0f}% |" for k, v in stages.items())


def write_card(card: Path, r: dict) -> None:
    section = f"""{BENCH_START}
Measured by `python bench/bench_classify.py` on {r["date"]}: {r["machine"]}, Python
{r["python"]}, models {r["version"]}, {r["posts"]:,} airline tweets (es + en mixed), escucha in
batches of {r["batch"]:,}; one process, one thread; best of {r["repeat"]} alternating passes
per side.

| path | posts/s (best pass) | every pass |
|---|---|---|
| escucha `PostReader.read` (language + sentiment + 5 intents) | \
{r["escucha_posts_per_s"]:,} | {", ".join(f"{v:,}" for v in r["escucha_passes_posts_per_s"])} |
| VADER `polarity_scores` (English sentiment only) | {r["vader_posts_per_s"]:,} | \
{", ".join(f"{v:,}" for v in r["vader_passes_posts_per_s"])} |

Ratio escucha / VADER: **{r["ratio"]}x** (target >= 2x); the same ratio in CPU time of
the process (less sensitive to other programs on the machine): {r["cpu_ratio"]}x.

Where escucha's time goes (one extra instrumented pass, seconds for all {r["posts"]:,} posts):

| stage | s | share |
|---|---|---|
{_stage_rows(r["stages_s"])}

Model load: {r["load_s"]} s. Peak RSS
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
