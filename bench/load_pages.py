"""Each request of the load test, one at a time, in-process: cold (first) and warm timings.

Opens the workspace that bench/load_generate.py built, with the web app in this process (no
cache warmed at start-up), logs in as bench/load_run.py's analyst and uses its read token,
then requests each page and API call of bench/locustfile.py `--rounds` times in a row: the
first computes what is not cached yet (in the order below, so a later page may reuse an
earlier one's aggregates), the others are warm. Every SQL statement slower than `--slow`
seconds is printed with its time, to EXPLAIN ANALYZE by hand.

    python bench/load_pages.py [--folder /tmp/escucha-load]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_load] [--rounds 4] [--slow 0.5]
        [--brands "Iberia,Ryanair,Vueling,United Airlines,American Airlines,Delta"]

`--brands`: the endpoints filtered by brand are requested for each of these brands in turn
(bench/locustfile.py draws one of its BRANDS at random: each is cold once per worker).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path
from urllib.parse import quote

from load_run import ENDPOINTS, accounts, app_url, load_average, login_form, target


def log_slow(engine, slow: float) -> None:
    """Print every statement on `engine` that runs longer than `slow` seconds."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def finished(conn, cursor, statement, parameters, context, executemany) -> None:
        took = time.perf_counter() - conn.info["started"].pop()
        if took > slow:
            shown = re.sub(r"\s+", " ", statement)[:600]
            print(f"    slow SQL {took:.2f} s: {shown} -- {str(parameters)[:200]}", flush=True)


def requests(brands: list[str], top: int) -> list[tuple[str, bool]]:
    """Each endpoint's path (ENDPOINTS) and whether it is the API's; those filtered by brand
    once for each of `brands` (URL-quoted)."""
    return [
        (target(endpoint.replace("Iberia", brand), top), as_api)
        for _, endpoint, as_api in ENDPOINTS
        for brand in (brands if "Iberia" in endpoint else ["Iberia"])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/escucha-load"))
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/escucha_load")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slow", type=float, default=0.5, help="seconds: log slower SQL")
    parser.add_argument("--brands", default="Iberia", help="comma-separated brand names")
    args = parser.parse_args()
    os.environ["ESCUCHA_DATABASE_URL"] = app_url(args.url)
    from fastapi.testclient import TestClient

    from escucha.web.app import create_app
    from escucha.web.context import WebSettings
    from escucha.workspace import open_workspace

    token, top = accounts(args.folder)
    workspace = open_workspace(args.folder)
    app = create_app(workspace, WebSettings(limits=workspace.config.web, compute_wait=3600))
    log_slow(workspace.engine, args.slow)
    print(f"load average {load_average()}; {top:,} posts", flush=True)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.post("/login", data=login_form(client.get("/login").text), follow_redirects=False)
        bearer = {"Authorization": f"Bearer {token}"}
        brands = [quote(b.strip()) for b in args.brands.split(",") if b.strip()]
        for path, as_api in requests(brands, top):
            headers = bearer if as_api else {}
            print(path, flush=True)
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    print(f"    {response.status_code}: {response.text[:200]}", flush=True)
            print(f"  {', '.join(f'{t:.3f}' for t in times)} s", flush=True)
    print(f"load average {load_average()}", flush=True)


if __name__ == "__main__":
    main()
