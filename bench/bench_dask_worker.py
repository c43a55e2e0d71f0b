"""Where a Dask worker's time goes: the same partitions read in this process, in a plain
spawned process, and inside one Dask task, with Dask's default worker environment and with
escucha's (MALLOC_TRIM_THRESHOLD_ unset).

    python bench/bench_dask_worker.py [--posts 40000]

Each reading counts the CPU of the reading thread alone (user and system), after the models
are loaded, so the numbers hold on a shared machine. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from dask_setup import analysed_workspace  # first: one BLAS thread per process


def read_all(url: str, languages: tuple[str, ...], ranges: list[tuple[int, int]]) -> dict:
    """Read every partition in this thread; the models are loaded first, untimed."""
    from escucha.enrich import read_partition, reader_for

    reader_for(languages)
    before = resource.getrusage(resource.RUSAGE_THREAD)
    start = time.perf_counter()
    posts = sum(len(read_partition(url, languages, True, a, b)) for a, b in ranges)
    after = resource.getrusage(resource.RUSAGE_THREAD)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return {
        "posts": posts,
        "seconds": round(time.perf_counter() - start, 2),
        "user_cpu_s": round(user, 2),
        "system_cpu_s": round(system, 2),
        "posts_per_cpu_s": round(posts / (user + system)),
        "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
    }


def on_dask(url: str, languages: tuple[str, ...], ranges: list, environ: dict) -> dict:
    import dask
    from distributed import Client, LocalCluster

    with (
        dask.config.set(environ),
        LocalCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster,
        Client(cluster) as client,
    ):
        client.submit(read_all, url, languages, ranges[:1], pure=False).result()  # warm up
        return client.submit(read_all, url, languages, ranges, pure=False).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=40_000)
    args = parser.parse_args()

    from machine import cpu_model

    from escucha.config import database_url
    from escucha.dask_engine import WORKER_ENVIRON
    from escucha.enrich import current_model_version, id_ranges

    out: dict[str, object] = {
        "machine": f"{cpu_model()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg(),
        "posts": args.posts,
    }
    with tempfile.TemporaryDirectory(prefix="bench-dask-worker-") as tmp:
        ws = analysed_workspace(Path(tmp), args.posts)
        url, languages = database_url(ws.path, ws.config), tuple(ws.config.languages)
        ranges = list(id_ranges(ws.engine, current_model_version(), True))
        out["this_process"] = read_all(url, languages, ranges)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            out["spawned_process"] = pool.apply(read_all, (url, languages, ranges))
        # escucha's first: a nanny with Dask's defaults also sets them in the process that
        # starts it, and every worker started from there later inherits them.
        out["dask_worker_escucha"] = on_dask(url, languages, ranges, WORKER_ENVIRON)
        out["dask_worker_dask_defaults"] = on_dask(url, languages, ranges, {})
        ws.engine.dispose()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
