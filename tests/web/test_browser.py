"""The app in a real browser (Debian's chromium through Playwright) against a real uvicorn
server on a free loopback port: log in, query, open a post, switch language, export, and
hostile posts that never run; themes, a theme export and an idea status change; contacts, a
contact and a merge accepted from the suggestion queue."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"browser tests need Debian's chromium at {CHROMIUM}"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, until the generator is closed."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:
    yield from serve(app)


@pytest.fixture(scope="module")
def community_server(tmp_path_factory) -> Iterator[str]:
    """The community's own workspace (tests/web/conftest.py), served."""
    from escucha.web.app import create_app

    from .conftest import community_workspace

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        yield from serve(create_app(community_workspace(tmp_path_factory)))


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs = []  # any alert() would land here
    page.console_errors = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: page.console_errors.append(m.text) if m.type == "error" else None,
    )
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = open_page(browser, server)
    yield page
    context.close()


@pytest.fixture
def community_page(browser, community_server):
    context, page = open_page(browser, community_server)
    yield page
    context.close()


def log_in(page, name: str = "ana") -> None:
    page.goto("/explore")
    assert "/login" in page.url  # sent to log in first
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/explore")


def test_log_in_query_open_a_post_switch_language_and_export(page, tmp_path: Path):
    log_in(page)
    assert page.title().startswith("Mentions explorer")
    assert page.evaluate("typeof window.htmx") == "object"  # the vendored htmx loaded

    page.get_by_label("Query").fill("maleta OR equipaje")
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=maleta*")  # htmx pushed the filtered URL
    summary = page.locator(".results-summary")
    assert "posts match" in summary.inner_text()
    assert page.locator("#filters").count() == 1  # only the results were swapped
    texts = page.locator(".post-text").all_inner_texts()
    assert texts and all(("maleta" in t.lower() or "equipaje" in t.lower()) for t in texts)

    page.locator(".posts a").first.click()
    page.wait_for_url("**/posts/*")
    assert page.locator("h1").inner_text().startswith("Post ")
    assert page.get_by_text("Probabilities").count() == 1

    with page.expect_download() as download_info:
        page.goto("/explore?q=maleta&lang=es")
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,source,native_id") and len(lines) > 1

    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Explorador de menciones"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mentions explorer"
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_bad_query_shows_an_error_in_place(page):
    log_in(page)
    page.get_by_label("Query").fill("maleta AND (retraso")
    page.get_by_role("button", name="Search").click()
    error = page.locator("#q-error")
    error.wait_for()
    assert "problem" in error.inner_text()


def test_hostile_posts_never_run(page, env):
    log_in(page, "vic")
    visited = ["/explore?source=hostile", "/concerns?lang=es&brand=Iberia", "/"]
    visited += ["/themes", "/ideas", "/ideas/1", "/alerts", "/competitors"]
    visited += [f"/posts/{post_id}" for post_id in env.ids.values()]
    for path in visited:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None, path
    page.goto(f"/posts/{env.ids['h1']}")
    assert "<script>" in page.locator("blockquote.post-text").inner_text()  # shown as text
    page.goto(f"/posts/{env.ids['h2']}")
    assert page.locator("a[href^='javascript']").count() == 0
    page.goto("/explore?source=hostile")
    for link in page.locator(".posts a").all():
        link.hover()  # no onmouseover either
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == []  # nothing even tried to run inline


def test_charts_render_under_the_csp(page):
    log_in(page, "ada")
    page.goto("/")
    charts = page.locator(".chart svg")
    assert charts.count() == 3
    box = charts.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_run_a_query_open_a_theme_export_it_and_change_an_idea(page, tmp_path: Path):
    log_in(page)
    page.get_by_role("link", name="Themes").click()
    page.wait_for_url("**/themes")
    page.get_by_label("Query").fill("vuelo OR flight")
    page.get_by_role("button", name="Find themes").click()
    page.wait_for_url("**/themes?q=vuelo*")
    assert page.get_by_role("heading", name="Themes of the matching posts").count() >= 1

    page.locator(".theme h4 a").first.click()
    page.wait_for_url("**/themes/*")
    assert page.locator("h1").inner_text().startswith("Theme: ")
    posts = page.locator(".post-text").all_inner_texts()
    assert posts and all(("vuelo" in t.lower() or "flight" in t.lower()) for t in posts)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,source,native_id") and len(lines) > 1

    page.get_by_role("link", name="Ideas").click()
    page.wait_for_url("**/ideas")
    page.locator("tbody a").first.click()
    page.wait_for_url("**/ideas/*")
    idea_url = page.url
    page.get_by_label("New status").select_option("completed")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_url(idea_url)
    assert page.locator("#idea-status").inner_text() == "completed"
    page.get_by_label("New status").select_option("open")  # as it was
    page.get_by_role("button", name="Change status").click()
    page.wait_for_url(idea_url)
    assert page.locator("#idea-status").inner_text() == "open"
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_open_the_contacts_open_a_contact_and_accept_a_suggestion(community_page):
    page = community_page
    page.goto("/contacts")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/contacts")
    assert page.locator("h1").inner_text() == "Contacts"
    assert "no consent to be contacted on record" in page.locator("table").inner_text()

    page.get_by_role("link", name="Ana García").first.click()
    page.wait_for_url("**/contacts/*")
    assert page.locator("h1").inner_text().startswith("Contact #")
    assert page.get_by_text("Iberia perdió mi maleta").count() == 1  # their post, in the timeline

    page.goto("/contacts/suggestions")
    first = page.locator("tbody tr").first
    kept = first.locator("td a").first.get_attribute("href")
    suggested = page.locator("tbody tr").count()
    first.get_by_role("button", name="Merge").click()
    page.wait_for_url(f"**{kept}")
    assert page.locator("tbody tr").count() >= 2  # the identities table: both accounts now
    assert {"reddit", "bluesky"} <= set(page.locator("tbody td").all_inner_texts())
    page.goto("/contacts/suggestions")
    assert page.locator("tbody tr").count() == suggested - 1
    page.goto("/ledger")
    page.goto("/contacts")  # the hostile name, attribute and note never ran anywhere
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_sort_page_both_ways_and_bookmark_the_explorer(page):
    log_in(page)
    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**sort=oldest*")
    summary = page.locator(".results-summary")
    assert "oldest first; page 1 of" in summary.inner_text()
    first = page.locator(".posts a").first.get_attribute("href")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**sort=oldest&page=2")
    assert "page 2 of" in summary.inner_text()
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url("**/explore?sort=oldest")
    assert page.locator(".posts a").first.get_attribute("href") == first
    page.reload()  # the address alone brings the same view back
    assert page.get_by_label("Order").input_value() == "oldest"
    assert page.locator(".posts a").first.get_attribute("href") == first


def test_relabel_a_post_and_see_the_aggregate_change(page):
    """An analyst corrects a post's sentiment: the negative count in the explorer and the
    overview follow the analyst's label, the post page says who set it, and restoring the
    model's label undoes it (the shared workspace is left as it was)."""
    import re

    def negative_count() -> int:
        page.goto("/explore?sentiment=negative")
        text = page.locator(".results-summary").inner_text()
        return int(re.match(r"([\d,]+) posts match", text)[1].replace(",", ""))

    log_in(page)
    before = negative_count()
    page.goto("/explore?sentiment=positive&q=Iberia")
    page.locator(".posts a").first.click()
    page.wait_for_url("**/posts/*")
    post_url = page.url
    page.get_by_label("Sentiment").select_option("negative")
    page.get_by_role("button", name="Save these labels").click()
    page.wait_for_url("**/posts/*")
    assert "Labelled by ana" in page.locator("#labelled-by").inner_text()
    corrections = page.locator("table.label-changes tbody tr")
    assert corrections.count() == 1 and "ana" in corrections.first.inner_text()
    try:
        assert negative_count() == before + 1
        page.goto("/")
        assert "1 posts carry an analyst's labels" in page.locator("#labelled-note").inner_text()
    finally:
        page.goto(post_url)
        page.get_by_role("button", name="Restore the model's labels").click()
        page.wait_for_url("**/posts/*")
    assert page.locator("#labelled-by").count() == 0
    assert negative_count() == before
    assert page.dialogs == []


def test_tag_a_post_with_a_category_and_see_the_category_table_change(page, env):
    """An analyst defines nothing in the browser (the CLI does), tags a post on its page with
    a category by hand, and the categories table counts it; untagging undoes it."""
    from escucha.understand.categories import add_category, remove_category

    add_category(env.workspace.engine, "browser check", "ana")
    try:
        log_in(page)

        def tagged() -> str:
            page.goto("/categories")
            row = page.locator('tr[data-category="browser check"]')
            return row.locator("td").nth(1).inner_text()

        assert tagged() == "0"
        page.goto(f"/posts/{env.ids['h3']}")
        page.get_by_label("browser check").check()
        page.get_by_role("button", name="Save the categories").click()
        page.wait_for_url("**/posts/*")
        assert "tagged by hand" in page.locator("ul.post-categories").inner_text()
        assert "categories: browser check" in page.locator("table.label-changes").inner_text()
        assert tagged() == "1"
        page.goto(f"/posts/{env.ids['h3']}")
        page.get_by_label("browser check").uncheck()
        page.get_by_role("button", name="Save the categories").click()
        page.wait_for_url("**/posts/*")
        assert tagged() == "0"
    finally:
        remove_category(env.workspace.engine, "browser check")
    assert page.dialogs == []
