"""Soak: `escucha worker` collecting from local replay servers while the web app is used.

Three local servers speaking the real protocols (the Mastodon, Bluesky and Reddit fakes of
tests/listen) replay the real airline posts (/work/shared/data/airlines, see its README for
origin and licences): a feeder publishes `--rate` new posts per second on each. A fresh
PostgreSQL workspace with the three sources (`interval = 30`) is worked by `escucha worker`
(the scheduled collections, analysis after each, the other periodic jobs) and served by
`escucha serve --workers 2`, on which a light locust load (bench/locustfile.py, `--users`
users) runs the whole time. Every `--sample` seconds the resident memory of every process
(the worker, the web supervisor and its workers, locust, this script with the replay servers)
is sampled, with the rows of the posts and of the rollup's trigger-maintained tables
(rollup_dirty, mention_rollup, post_rollup). When `--minutes` have passed the feeder stops,
the worker is given `--drain` seconds to collect the rest, and the posts stored are checked
against what the servers served: for each source, distinct remote ids stored = rows stored
= posts served, and the same ids. Writes the memory series and the verdict as JSON and markdown.

    python bench/soak.py [--minutes 30] [--rate 1.0] [--users 10]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_soak] [--out bench-results/soak]

The database is created (dropped first if it exists) and dropped at the end (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from load_run import accounts, app_url, load_average, serve, stop
from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from listen.conftest import FakeServer  # noqa: E402 - the replay servers of the test suite
from listen.fake_bluesky import FakeAppView  # noqa: E402
from listen.fake_mastodon import FakeMastodon  # noqa: E402
from listen.fake_reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit  # noqa: E402

DATA = Path("/work/shared/data/airlines")
SOURCES = """
[[sources]]
name = "masto"
kind = "mastodon"
api_base_url = "{masto}"
hashtags = "iberia"
backfill_pages = 50
interval = 30
allow_private_networks = true

[[sources]]
name = "sky"
kind = "bluesky"
base_url = "{sky}"
q = "iberia"
backfill_pages = 50
interval = 30
allow_private_networks = true

[[sources]]
name = "rdt"
kind = "reddit"
oauth_url = "{rdt}"
reddit_url = "{rdt}"
subreddits = "r/iberia"
backfill_pages = 50
interval = 30
allow_private_networks = true
"""


class Replay:
    """The three servers and a thread publishing the real posts on them, `rate` per second
    on each; what each has served is what it holds."""

    def __init__(self, rate: float) -> None:
        self.servers = [FakeServer() for _ in range(3)]
        for server in self.servers:
            server.__enter__()
        self.masto = FakeMastodon(self.servers[0])
        self.sky = FakeAppView(self.servers[1])
        self.rdt = FakeReddit(self.servers[2])
        self.rate = rate
        self.texts = [
            json.loads(line)["text"]
            for name in ("es_airline_tweets.jsonl", "us_airline_tweets.jsonl")
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        ]
        self.published = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True)

    def urls(self) -> dict[str, str]:
        return {
            "masto": self.servers[0].url,
            "sky": self.servers[1].url,
            "rdt": self.servers[2].url,
        }

    def publish_one(self) -> None:
        n = self.published
        text = self.texts[n % len(self.texts)].replace("<", " ").replace("&", " and ")
        self.masto.post(f"{text} #iberia", tags=("iberia",), acct=f"viajero{n % 97}")
        self.sky.post(f"Iberia: {text}", handle=f"viajera{n % 89}.bsky.social")
        self.rdt.post("iberia", title=text[:120], selftext=text, author=f"redditor{n % 83}")
        self.published += 1

    def _feed(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set():
            due = int((time.monotonic() - started) * self.rate)
            while self.published < due:
                self.publish_one()
            for server in self.servers:
                server.seen.clear()  # the fakes log every request: keep this process flat
            self.stopped.wait(0.5)

    def served(self) -> dict[str, set[str]]:
        return {
            "masto": {s["id"] for s in self.masto.statuses},
            "sky": {p["uri"] for p in self.sky.posts},
            "rdt": {e["data"]["name"] for e in self.rdt.entries},
        }

    def close(self) -> None:
        self.stopped.set()
        for server in self.servers:
            server.__exit__(None, None, None)


def tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def sample(roles: dict[str, psutil.Process]) -> dict[str, float]:
    """Resident memory (MB) of each process of each role, keyed role:pid (this script's own
    children are the other roles: it counts alone)."""
    out = {}
    for role, root in roles.items():
        for proc in tree(root) if root.pid != os.getpid() else [root]:
            with contextlib.suppress(psutil.NoSuchProcess):
                out[f"{role}:{proc.pid}"] = round(proc.memory_info().rss / 2**20, 1)
    return out


def stored(url: str) -> dict[str, dict]:
    import sqlalchemy as sa

    engine = sa.create_engine(app_url(url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT source, native_id FROM posts")).all()
        enriched = conn.scalar(sa.text("SELECT count(DISTINCT post_id) FROM enrichments"))
        failed = conn.scalar(
            sa.text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")
        )
    engine.dispose()
    out: dict[str, dict] = {"_enriched": {"count": enriched}, "_failed_jobs": {"count": failed}}
    for source, native in rows:
        entry = out.setdefault(source, {"rows": 0, "ids": set()})
        entry["rows"] += 1
        entry["ids"].add(native)
    return out


ROLLUP_TABLES = ("posts", "rollup_dirty", "mention_rollup", "post_rollup")


def table_rows(url: str) -> dict[str, int]:
    """Rows of the posts and of the rollup's trigger-maintained tables (store/rollup.py): the
    marks in rollup_dirty are drained by every read, the rollups grow with the days only."""
    import sqlalchemy as sa

    engine = sa.create_engine(app_url(url))
    with engine.connect() as conn:
        rows = {
            name: conn.scalar(sa.text(f"SELECT count(*) FROM {name}")) for name in ROLLUP_TABLES
        }
    engine.dispose()
    return rows


def verdict(served: dict[str, set[str]], have: dict[str, dict]) -> dict:
    result = {}
    for source, ids in served.items():
        got = have.get(source, {"rows": 0, "ids": set()})
        result[source] = {
            "served": len(ids),
            "stored_rows": got["rows"],
            "distinct_ids": len(got["ids"]),
            "lost": len(ids - got["ids"]),
            "unexpected": len(got["ids"] - ids),
            "duplicated": got["rows"] - len(got["ids"]),
        }
        result[source]["ok"] = (
            result[source]["lost"] == result[source]["unexpected"] == 0
            and result[source]["duplicated"] == 0
        )
    return result


def memory_summary(series: list[dict]) -> dict[str, dict]:
    """Per process: first sample after warm-up, the last, the peak, and the growth."""
    names = sorted({k for s in series for k in s["rss_mb"]})
    out = {}
    for name in names:
        values = [s["rss_mb"][name] for s in series if name in s["rss_mb"]]
        if len(values) < 3:
            continue
        settled = values[min(2, len(values) - 1)]
        tail = statistics.median(values[-3:])
        out[name] = {
            "settled_mb": settled,
            "last_mb": values[-1],
            "peak_mb": max(values),
            "growth_pct": round(100 * (tail - settled) / settled, 1),
        }
    return out


def rows_summary(series: list[dict], after_drain: dict[str, int]) -> dict[str, dict]:
    """Per table: rows at the first sample after warm-up, the peak, and after the drain."""
    sampled = [s["rows"] for s in series if "rows" in s]
    settled = sampled[min(2, len(sampled) - 1)]
    return {
        name: {
            "settled": settled[name],
            "peak": max(s[name] for s in sampled),
            "after_drain": after_drain[name],
        }
        for name in ROLLUP_TABLES
    }


def load_range(series: list[dict]) -> str:
    values = [s["load"] for s in series if "load" in s]
    return f"{min(values):.1f}-{max(values):.1f}" if values else "?"


def markdown(report: dict) -> str:
    lines = [
        f"{report['machine']}; {report['date']}; load average {report['load_start']} at the "
        f"start, {report['load_end']} at the end (1-minute load {report['load_during']} in the "
        f"samples); {report['minutes']} minutes, "
        f"{report['rate']} posts/s on each of 3 sources, {report['users']} locust users",
        "",
        "| source | served | stored rows | distinct ids | lost | unexpected | duplicated |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for source, v in report["check"].items():
        lines.append(
            f"| {source} | {v['served']:,} | {v['stored_rows']:,} | {v['distinct_ids']:,} | "
            f"{v['lost']} | {v['unexpected']} | {v['duplicated']} |"
        )
    lines += [
        "",
        "| process | RSS after warm-up MB | last MB | peak MB | growth % |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, m in report["memory"].items():
        lines.append(
            f"| {name} | {m['settled_mb']} | {m['last_mb']} | {m['peak_mb']} | {m['growth_pct']} |"
        )
    lines += [
        "",
        "| table | rows after warm-up | peak | after the drain |",
        "|---|---:|---:|---:|",
    ]
    for name, r in report["rows"].items():
        lines.append(f"| {name} | {r['settled']:,} | {r['peak']:,} | {r['after_drain']:,} |")
    web = report["web"]
    lines += [
        "",
        f"Web load during the soak: {web['requests']:,} requests, {web['errors']} errors, "
        f"p50 {web['p50_ms']:.0f} ms, p95 {web['p95_ms']:.0f} ms. "
        f"Posts analysed at the end: {report['enriched']:,}; failed jobs: {report['failed_jobs']}.",
        "",
        f"Verdict: {report['verdict']}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=1.0, help="new posts/s on each source")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--sample", type=float, default=60, help="seconds between samples")
    parser.add_argument("--drain", type=float, default=240, help="seconds to collect the rest")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/escucha-soak"))
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/escucha_soak")
    parser.add_argument("--out", type=Path, default=Path("bench-results/soak"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    database = args.url.rsplit("/", 1)[1].split("?")[0]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", database], check=True)
    subprocess.run(["createdb", *pg, database], check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    args.folder.mkdir(parents=True, exist_ok=True)

    replay = Replay(args.rate)
    from escucha.demo import demo_config_text

    (args.folder / "escucha.toml").write_text(
        demo_config_text()
        + '\n[web]\nredis_url = "redis://127.0.0.1:6379/0"\n'
        + "token_requests_per_minute = 100000000\nuser_requests_per_minute = 100000000\n"
        + SOURCES.format(**replay.urls()),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "ESCUCHA_DATABASE_URL": app_url(args.url),
        "ESCUCHA_RDT_CLIENT_ID": CLIENT_ID,
        "ESCUCHA_RDT_CLIENT_SECRET": CLIENT_SECRET,
    }
    os.environ.update(env)
    token, _top = accounts(args.folder)  # creates and migrates the store
    replay.thread.start()
    worker = subprocess.Popen(
        [sys.executable, "-m", "escucha", "-w", str(args.folder), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(args.folder / "worker.log", "ab"),  # noqa: SIM115 - the child keeps it
        start_new_session=True,
    )
    web, base = serve(args.folder, 2, env)
    seconds = int(args.minutes * 60)
    locust_env = {
        **env,
        "ESCUCHA_LOAD_USER": "loadtest",
        "ESCUCHA_LOAD_PASSWORD": "load test password 123",
        "ESCUCHA_LOAD_TOKEN": token,
        "ESCUCHA_LOAD_MAX_ID": str(max(100, int(seconds * args.rate * 3))),
        "ESCUCHA_LOAD_WAIT": "2,5",
    }
    prefix = args.out / "locust"
    locust = subprocess.Popen(
        [
            *(sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py")),
            *("--headless", "-u", str(args.users), "-r", "2", "-t", f"{seconds}s"),
            *("--host", base, "--csv", str(prefix), "--only-summary"),
        ],
        env=locust_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    roles = {
        "worker": psutil.Process(worker.pid),
        "web": psutil.Process(web.pid),
        "locust": psutil.Process(locust.pid),
        "soak+replay": psutil.Process(os.getpid()),
    }
    series = []
    load_start = load_average()
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            elapsed = round((time.monotonic() - started) / 60, 1)
            series.append(
                {
                    "minute": elapsed,
                    "load": os.getloadavg()[0],
                    "rss_mb": sample(roles),
                    "rows": table_rows(args.url),
                }
            )
            print(f"minute {elapsed}: published {replay.published} per source", flush=True)
            time.sleep(min(args.sample, max(0.0, seconds - (time.monotonic() - started))))
        series.append(
            {
                "minute": round(seconds / 60, 1),
                "load": os.getloadavg()[0],
                "rss_mb": sample(roles),
                "rows": table_rows(args.url),
            }
        )
        replay.stopped.set()
        load_end = load_average()
        locust.wait(timeout=120)
        deadline = time.monotonic() + args.drain
        served = replay.served()
        while True:
            have = stored(args.url)
            check = verdict(served, have)
            if all(v["ok"] for v in check.values()) or time.monotonic() > deadline:
                break
            time.sleep(10)
        drained = round(args.drain - (deadline - time.monotonic()))
        rows_end = table_rows(args.url)
    finally:
        for process in (locust, web, worker):
            with contextlib.suppress(ProcessLookupError):
                stop(process)
        replay.close()
    web_stats = {"requests": 0, "errors": 0, "p50_ms": 0.0, "p95_ms": 0.0}
    from load_run import results

    for row in results(prefix):
        if row["name"] == "all":
            web_stats = {k: row[k] for k in web_stats}
    memory = memory_summary(series)
    grown = {k: v["growth_pct"] for k, v in memory.items() if v["growth_pct"] > 20}
    ok = all(v["ok"] for v in check.values())
    report = {
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "minutes": args.minutes,
        "rate": args.rate,
        "users": args.users,
        "load_start": load_start,
        "load_end": load_end,
        "check": check,
        "drain_s": drained,
        "enriched": have["_enriched"]["count"],
        "failed_jobs": have["_failed_jobs"]["count"],
        "web": web_stats,
        "memory": memory,
        "rows": rows_summary(series, rows_end),
        "load_during": load_range(series),
        "series": series,
        "verdict": (
            ("nothing lost or duplicated" if ok else "POSTS LOST OR DUPLICATED")
            + "; "
            + (
                "memory flat (no process grew more than 20% after warm-up)"
                if not grown
                else f"memory grew: {grown}"
            )
            + f"; the worker caught up {drained} s after the feed stopped"
        ),
    }
    (args.out / "soak.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (args.out / "soak.md").write_text(table)
    print(table)
    if not args.keep:
        subprocess.run(["dropdb", *pg, "--if-exists", database], check=False)


if __name__ == "__main__":
    main()
