"""Throughput of the whole `escucha classify` process against a VADER script, on the same posts.

    python bench/bench_classify.py --data ../shared/data [--n 98272] [--repeat 3] [--no-card]

Posts: the Spanish and US airline tweets, mixed and shuffled with a fixed seed, repeated up to
--n, written once to a JSON Lines file ({"id", "text"} per line). Each side is a separate
process that reads that file and writes JSON Lines, startup included, timed from outside:
`escucha classify --in FILE --out OUT` (language + sentiment + 5 intents) and a Python script
running vaderSentiment's polarity_scores per line (English sentiment only; json.loads in,
json.dumps out). The two run alternately --repeat times; each side's best pass counts (the
same rule for both, so that a noisy neighbour on a shared machine does not decide the ratio).
Both sides run with their modules byte-compiled by untimed warm-up runs (as an installed
package is). Also measured: each side's startup (a one-line file) and, in this process, where
escucha's time goes inside PostReader.read. Writes the results into docs/model-card.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
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


VADER_SCRIPT = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
vader = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in src:
        if line.strip():
            obj = json.loads(line)
            scores = vader.polarity_scores(obj["text"])
            out.write(json.dumps({"id": obj["id"], "sentiment": scores}) + "\\n")
"""


def write_posts(path: Path, posts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(posts):
            fh.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")


def run_process(cmd: list[str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one child process run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(posts_file: Path, out: Path) -> dict[str, list[str]]:
    return {
        "escucha": [
            sys.executable,
            "-m",
            "escucha",
            "classify",
            "--in",
            str(posts_file),
            "--out",
            str(out),
            "--languages",
            "es,en",
        ],
        "vader": [sys.executable, "-c", VADER_SCRIPT, str(posts_file), str(out)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=98272)
    parser.add_argument("--batch", type=int, default=2000, help="in-process stage breakdown")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--card", type=Path, default=ROOT / "docs/model-card.md")
    parser.add_argument("--no-card", action="store_true", help="Only print the results.")
    args = parser.parse_args(argv)
    posts = load_posts(args.data, args.n, seed=0)
    env_path = str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = env_path  # the child escucha is this checkout's
    with tempfile.TemporaryDirectory() as tmp:
        # both sides' modules compiled once (by the warm-up runs) and read back compiled, as
        # for an installed package: with PYTHONDONTWRITEBYTECODE set, escucha (run from this
        # checkout) would compile its sources at every start, VADER's installed package not
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))
        posts_file, one_file, out = Path(tmp, "posts.jsonl"), Path(tmp, "one.jsonl"), Path(tmp, "o")
        write_posts(posts_file, posts)
        write_posts(one_file, posts[:1])
        full, one = commands(posts_file, out), commands(one_file, out)
        for cmd in one.values():  # warm-up: file caches, compiled modules, language-ID cache
            run_process(cmd)
        runs: dict[str, list[tuple[float, float]]] = {"escucha": [], "vader": []}
        startup: dict[str, list[tuple[float, float]]] = {"escucha": [], "vader": []}
        for _ in range(args.repeat):
            for side in ("escucha", "vader"):
                runs[side].append(run_process(full[side]))
                startup[side].append(run_process(one[side]))
    n = len(posts)
    best = {side: min(w for w, _ in r) for side, r in runs.items()}
    best_cpu = {side: min(c for _, c in r) for side, r in runs.items()}
    start = {side: min(w for w, _ in r) for side, r in startup.items()}
    stages, load_s = stage_breakdown_all(posts, args.batch)
    result = {
        "posts": n,
        "escucha_s": round(best["escucha"], 2),
        "vader_s": round(best["vader"], 2),
        "escucha_posts_per_s": round(n / best["escucha"]),
        "vader_posts_per_s": round(n / best["vader"]),
        "ratio": round(best["vader"] / best["escucha"], 2),
        "cpu_ratio": round(best_cpu["vader"] / best_cpu["escucha"], 2),
        "escucha_cpu_s": round(best_cpu["escucha"], 2),
        "vader_cpu_s": round(best_cpu["vader"], 2),
        "escucha_passes_s": [round(w, 2) for w, _ in runs["escucha"]],
        "vader_passes_s": [round(w, 2) for w, _ in runs["vader"]],
        "escucha_startup_s": round(start["escucha"], 2),
        "vader_startup_s": round(start["vader"], 2),
        "repeat": args.repeat,
        "batch": args.batch,
        "stages_s": {k: round(v, 4) for k, v in stages.items()},
        "load_s": round(load_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{os.cpu_count()} cores, {cpu_model()}",
        "load_average": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "version": _version(),
    }
    print(json.dumps(result, indent=2))
    print(
        f"whole process, {n:,} posts: escucha {result['escucha_s']} s "
        f"({result['escucha_posts_per_s']:,}/s), VADER script {result['vader_s']} s "
        f"({result['vader_posts_per_s']:,}/s): ratio {result['ratio']}x "
        f"(CPU time {result['cpu_ratio']}x) (target >= 2x)"
    )
    if not args.no_card and args.card.exists():
        write_card(args.card, result)
    return 0


def _version() -> str:
    from escucha.understand.shipped import MODEL_DIR

    return json.loads((MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))["version"]


def stage_breakdown_all(posts: list[str], batch: int) -> tuple[dict[str, float], float]:
    """In this process: model load time and seconds per stage of PostReader.read."""
    from escucha.cli import classify_lines

    classify_lines._keep_freed_memory()  # the C allocator as `escucha classify` sets it
    t0 = time.perf_counter()
    from escucha.understand import load_reader

    reader = load_reader(["es", "en"])
    load_s = time.perf_counter() - t0
    reader.read(posts[:batch])  # warm-up
    return stage_breakdown(reader, posts, batch), load_s


def stage_breakdown(reader, posts: list[str], batch: int) -> dict[str, float]:
    """Seconds per stage of PostReader.read (built-in backend), one extra pass over the posts.

    Calls the stages one after the other as read does, so caches are as cold or warm as in
    a real pass; the links regex runs once per batch and its result is shared (cached).
    """
    from escucha.core.labels import INTENTS
    from escucha.understand.features import mark_links
    from escucha.understand.intents import combine, english_rows
    from escucha.understand.rules import rule_scores

    scorer = reader._scorer
    names = (
        "URLs and handles (3 regex passes)",
        "language ID (py3langid automaton)",
        "featurise (normalise, hash n-grams, tokens, dense)",
        "weight sums (int8 rows, byte-packed, per language)",
        "intent rules",
        "sentiment softmax, pattern families, intent combination",
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
        order = scorer.group_order(langs).tolist()  # as BuiltinScorer.score_with
        langs = [langs[i] for i in order]
        analysis = scorer.featuriser.analyse(texts, order)
        lap(names[2])
        logits = scorer.logits(analysis, langs)
        lap(names[3])
        rules = rule_scores(analysis, INTENTS, langs)
        lap(names[4])
        sent = scorer.sentiment_probs(logits, langs)
        model = scorer.model_intents(logits, analysis)
        intents = combine(sent, model, rules, scorer.combine_params, english_rows(langs))
        lap(names[5])
        reader.readings(langs, sent, intents)  # in group order: the same work
        lap(names[6])
    return seconds


def _stage_rows(stages: dict[str, float]) -> str:
    total = sum(stages.values()) or 1.0
    return "\n".join(f"| {k} | {v:.3f} | {100 * v / total:.0f}% |" for k, v in stages.items())


def write_card(card: Path, r: dict) -> None:
    section = f"""{BENCH_START}
Measured by `python bench/bench_classify.py` on {r["date"]}: {r["machine"]}, Python
{r["python"]}, models {r["version"]}, load average {r["load_average"]} when it ended (a shared
machine: compare the two sides of one run, not runs of different days). {r["posts"]:,} airline
tweets (es + en mixed) in one JSON Lines file; each side is a whole process that reads it and
writes JSON Lines, startup included (both with their Python modules compiled beforehand, as
installed packages are); best of {r["repeat"]} alternating passes per side.

| process | seconds (best pass) | posts/s | every pass (s) | CPU s | startup (1 post) s |
|---|---|---|---|---|---|
| `escucha classify` (language + sentiment + 5 intents) | {r["escucha_s"]} | \
{r["escucha_posts_per_s"]:,} | {", ".join(map(str, r["escucha_passes_s"]))} | \
{r["escucha_cpu_s"]} | {r["escucha_startup_s"]} |
| VADER script (English sentiment only) | {r["vader_s"]} | {r["vader_posts_per_s"]:,} | \
{", ".join(map(str, r["vader_passes_s"]))} | {r["vader_cpu_s"]} | {r["vader_startup_s"]} |

Ratio escucha / VADER, whole process: **{r["ratio"]}x** by the wall clock (target >= 2x);
{r["cpu_ratio"]}x in CPU time (less sensitive to other programs on the machine).

Where `PostReader.read` spends its time (in the benchmark process, batches of {r["batch"]:,},
one instrumented pass, seconds for all {r["posts"]:,} posts):

| stage | s | share |
|---|---|---|
{_stage_rows(r["stages_s"])}

Model load in process: {r["load_s"]} s. Peak RSS of the benchmark process: {r["peak_rss_mb"]} MB
(target <= 300 MB).
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
