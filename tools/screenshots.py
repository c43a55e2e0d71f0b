"""Regenerate the web app's screenshots in docs/screenshots/ (1280 pixels wide, PNG).

    PYTHONPATH=src .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--sample 1]

It builds a bilingual workspace in a temporary directory from the airline posts in
/work/shared/data/airlines/*.jsonl (or the demo's bundled files when those are absent):
every `--sample`-th post of each file (by default all 22,507: analysing them takes
seconds), imported with the demo's configuration and column mappings, analysed, ideas
refreshed, alerts evaluated, two digests and one category defined, the inbox refreshed and
every author given a contact. It then creates a user,
serves the app with uvicorn on a free loopback port, logs in with Playwright driving
Debian's chromium (/usr/bin/chromium; no browser is downloaded) and saves one PNG per page:
each page shot whole, cut at MAX_HEIGHT and, when Pillow is installed, quantised to keep it
small. The demo posts end in January 2018, so the periods shown are explicit dates. A run
takes about three minutes on two shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data/airlines")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
MAX_HEIGHT = 2200  # whole pages, cut here (the period control alone fills 900 pixels)
USER, PASSWORD = "ana", "correct horse battery"
SALES_PITCH = "Compra ya con un 50% de descuento, solo hoy: últimas unidades"  # the guard flags it
# thirty days of the Spanish posts, compared with the thirty before
PERIOD = "period=custom&date_from=2017-12-09&date_to=2018-01-07&compare=previous"
# a saved-query rule besides the brand spikes, and the days the alerts are evaluated at
ALERT_RULE = """
[[alerts]]
name = "cancelled flights"
query = "cancelado OR cancelled OR Cancelled"
kind = "match"
threshold = 5
"""
ALERTS_AT = [
    datetime(2015, 2, 22, tzinfo=UTC),
    datetime(2015, 2, 24, tzinfo=UTC),
    datetime(2017, 12, 14, tzinfo=UTC),
    datetime(2017, 12, 19, tzinfo=UTC),
    datetime(2018, 1, 4, tzinfo=UTC),
]


def sample_rows(name: str, every: int) -> list[dict]:
    """Every `every`-th record of one demo file (shared copy first, bundled copy otherwise)."""
    import gzip

    from escucha.demo import demo_path

    shared = SHARED / name.removesuffix(".gz")
    if shared.exists():
        lines = shared.read_text(encoding="utf-8").splitlines()
    else:
        with gzip.open(demo_path(f"data/{name}"), "rt", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    return [json.loads(line) for line in lines[::every] if line.strip()]


def build_workspace(directory: Path, every: int) -> Any:
    """The sampled bilingual workspace, analysed, with ideas, alerts, digests, a category,
    the inbox, contacts, and one user (an admin, so that the digest controls show) with two
    API tokens."""
    from escucha.alerts.run import run_alerts
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.community.build import build_contacts
    from escucha.config import CONFIG_FILE
    from escucha.demo import DEMO_FILES, demo_config_text
    from escucha.digests.schedule import add_digest
    from escucha.engage.inbox import refresh_inbox
    from escucha.ideas import refresh_ideas
    from escucha.understand.categories import add_category
    from escucha.workspace import init_workspace

    (directory / CONFIG_FILE).write_text(demo_config_text() + ALERT_RULE, encoding="utf-8")
    ws = init_workspace(directory)
    for name, (source, mapping, url_template) in DEMO_FILES.items():
        path = directory / f"{source}.jsonl"
        rows = sample_rows(name, every)
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        result = ws.import_file(path, source=source, mapping=mapping, url_template=url_template)
        print(f"imported {result.accepted:,} posts from {name}")
    started = time.monotonic()
    analysis = ws.analyze()
    print(f"analysed {analysis['enriched']:,} posts in {time.monotonic() - started:.0f} s")
    refresh_ideas(ws)
    fired = sum(len(run_alerts(ws, at=at)["fired"]) for at in ALERTS_AT)
    print(f"{fired} alerts fired")
    add_digest(ws, "weekly", "email:team@example.org", lang="en", by=USER)
    add_digest(ws, "daily", "email:iberia@example.org", lang="es", brand="Iberia", by=USER)
    add_category(ws.engine, "baggage", USER, query="maleta OR equipaje OR bag OR baggage")
    print(f"{refresh_inbox(ws).added:,} posts in the inbox")
    print(f"{build_contacts(ws):,} contacts")
    create_user(ws.engine, USER, PASSWORD, "admin")
    create_token(ws.engine, USER, "read", label="dashboard")
    create_token(ws.engine, USER, "write", label="ticketing sync")
    return ws


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port while the block runs."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shrink(path: Path) -> None:
    """Cut the page at MAX_HEIGHT pixels and quantise it to 256 colours (screenshots are
    flat colours) when Pillow is installed."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        top = image.convert("RGB").crop((0, 0, image.width, min(image.height, MAX_HEIGHT)))
        small = top.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take_all(base_url: str, out: Path) -> list[Path]:
    from playwright.sync_api import Page, sync_playwright

    saved: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = True, selector: str | None = None) -> None:
        """The page (whole, or the viewport), or only the element `selector` finds."""
        page.wait_for_load_state("networkidle")
        path = out / f"{name}.png"
        if selector is None:
            page.screenshot(path=str(path), full_page=full_page)
        else:
            page.locator(selector).first.screenshot(path=str(path))
        shrink(path)
        saved.append(path)
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
            f"{path.stat().st_size // 1024} KB"
        )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for locale in ("en-GB", "es-ES"):
            context = browser.new_context(
                base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(180_000)  # a cold competitors page on a busy machine
            page.goto("/login")
            if locale == "en-GB":
                shot(page, "login", False)
            page.locator("#username").fill(USER)
            page.locator("#password").fill(PASSWORD)
            page.locator("#password").press("Enter")
            page.wait_for_url(lambda url: "/login" not in url)
            steps = SPANISH if locale == "es-ES" else ENGLISH
            for step in steps:
                step(page, shot)
            context.close()
        browser.close()
    return saved


Shot = Callable[..., None]


def overview(page: Any, shot: Shot) -> None:
    page.goto(f"/?{PERIOD}")
    shot(page, "overview")


def drivers(page: Any, shot: Shot) -> None:
    """A drill-down from the overview's charts into what drove the period's posts."""
    page.goto(f"/?{PERIOD}")
    page.goto(page.locator("td a[href^='/drivers']").first.get_attribute("href"))
    shot(page, "drivers")


def explorer(page: Any, shot: Shot) -> None:
    page.goto("/explore?q=maleta+OR+equipaje+OR+bag&sort=engagement")
    shot(page, "explorer")


def post(page: Any, shot: Shot) -> None:
    page.goto("/explore?q=maleta&sentiment=negative")
    page.locator(".posts a").first.click()
    page.wait_for_url("**/posts/*")
    shot(page, "post")


def theme(page: Any, shot: Shot) -> None:
    """The biggest theme of the period, opened from the themes page."""
    page.goto(f"/themes?{PERIOD}")
    page.locator("article.theme h4 a").first.click()
    page.wait_for_url("**/themes/*")
    shot(page, "theme")


def idea(page: Any, shot: Shot) -> None:
    page.goto("/ideas")
    page.locator("a[href^='/ideas/']").first.click()
    page.wait_for_url("**/ideas/*")
    shot(page, "idea")


def opportunities(page: Any, shot: Shot) -> None:
    """The competitors page's opportunities section alone."""
    page.goto("/competitors")
    shot(page, "opportunities", selector="section[aria-labelledby='opportunities-h']")


def inbox_thread(page: Any, shot: Shot) -> None:
    """The inbox's first Spanish item while a reply is typed: the guard's verdict appears
    under it."""
    page.goto("/inbox?lang=es")
    page.locator("a[href^='/inbox/']").first.click()
    page.wait_for_url("**/inbox/*")
    page.locator("#r-text").press_sequentially(SALES_PITCH, delay=5)
    page.locator("#guard-verdict [data-verdict]").wait_for()
    shot(page, "inbox-thread")


def simple(path: str, name: str, full_page: bool = True) -> Callable[[Any, Shot], None]:
    def step(page: Any, shot: Shot) -> None:
        page.goto(path)
        shot(page, name, full_page)

    return step


ENGLISH = [
    overview,
    explorer,
    post,
    drivers,
    simple(f"/themes?{PERIOD}", "themes"),
    simple(f"/themes?brand=Iberia&lang=es&{PERIOD}", "themes-brand"),
    theme,
    simple("/competitors", "competitors"),
    opportunities,
    simple("/categories", "categories"),
    simple("/authors", "authors"),
    simple("/alerts", "alerts"),
    simple("/ideas", "ideas"),
    idea,
    simple("/sources", "sources"),
    simple("/account/tokens", "tokens"),
    simple("/contacts", "contacts"),
    inbox_thread,
]
SPANISH = [simple("/", "overview-es")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--sample", type=int, default=1, help="keep every n-th post")
    args = parser.parse_args()
    os.environ.pop("ESCUCHA_DATABASE_URL", None)
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="escucha-shots-") as tmp:
        ws = build_workspace(Path(tmp), args.sample)
        with serve(create_app(ws, WebSettings(compute_wait=600))) as base_url:
            saved = take_all(base_url, args.out)
    print(f"saved {len(saved)} screenshots in {args.out}")


if __name__ == "__main__":
    main()
