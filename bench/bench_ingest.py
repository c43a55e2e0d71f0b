"""Benchmark: the listening ingest layer from a local Jetstream-like websocket into SQLite.

A local websocket server (in a child process, so the collector has its core to itself) plays
Jetstream commit events built from the bundled airline posts; `collect()` reads them through the
Bluesky connector (term filter, envelope, batching) and stores them page by page with the cursor.
Prints posts per second and the collector's peak resident memory.

    python bench/bench_ingest.py [--events 50000] [--workdir /tmp/escucha-bench-ingest]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import resource
import shutil
import time
from datetime import date
from pathlib import Path

from machine import cpu_model

from escucha.config import Brand, Config, SourceConfig
from escucha.demo import DEMO_FILES, demo_path
from escucha.listen.collector import collect
from escucha.workspace import init_workspace

POST = "app.bsky.feed.post"


def real_texts() -> list[str]:
    import gzip

    texts = []
    for name in DEMO_FILES:
        with gzip.open(demo_path(f"data/{name}"), "rt", encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f)
    return texts


def events(count: int) -> list[str]:
    texts = real_texts()
    out = []
    for n in range(count):
        did = f"did:plc:bench{n % 5000:019d}"
        out.append(
            json.dumps(
                {
                    "did": did,
                    "time_us": 1_750_000_000_000_000 + n,
                    "kind": "commit",
                    "commit": {
                        "rev": f"3lbench{n:012d}",
                        "operation": "create",
                        "collection": POST,
                        "rkey": f"3lb{n:012d}",
                        "record": {
                            "$type": POST,
                            "createdAt": "2025-06-15T12:00:00.000Z",
                            "langs": ["es"],
                            "text": texts[n % len(texts)],
                        },
                        "cid": f"bafyreibench{n:047d}",
                    },
                }
            )
        )
    return out


def serve(count: int, port_queue) -> None:
    """Send every event to each client at full speed, then stay quiet."""
    from websockets.sync.server import serve as ws_serve

    payload = events(count)

    def handler(ws) -> None:
        for message in payload:
            ws.send(message)
        with contextlib.suppress(Exception):
            ws.recv(timeout=60)

    with ws_serve(handler, "127.0.0.1", 0) as server:
        port_queue.put(server.socket.getsockname()[1])
        server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-ingest"))
    args = parser.parse_args()

    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.events, ports), daemon=True)
    server.start()
    port = ports.get(timeout=120)

    shutil.rmtree(args.workdir, ignore_errors=True)
    os.environ.pop("ESCUCHA_DATABASE_URL", None)
    source = SourceConfig(
        "bench",
        "bluesky",
        {
            "jetstream_url": f"ws://127.0.0.1:{port}/subscribe",
            "terms": "",  # every post: the bench measures ingest, not the filter's selectivity
            "allow_private_networks": True,
            "idle_seconds": 1.0,
            "flush_seconds": 1.0,
            "page_size": 2000,
            "max_bytes": 1_000_000,
        },
    )
    config = Config("bench", ("es", "en"), Brand("Iberia", ours=True), (), (source,))
    workspace = init_workspace(args.workdir, config)

    started = time.perf_counter()
    result = collect(workspace, source)
    elapsed = time.perf_counter() - started - 1.0  # the idle second that ends the read
    server.terminate()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"date {date.today()}, {os.cpu_count()} CPUs ({cpu_model()}), "
        f"Python {platform.python_version()}"
    )
    print(result.summary())
    print(
        f"{result.new:,} posts in {elapsed:.2f} s: {result.new / elapsed:,.0f} posts/s; "
        f"peak RSS {peak_mb:,.0f} MB"
    )


if __name__ == "__main__":
    main()
