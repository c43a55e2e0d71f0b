"""The reply form in a real browser (Debian's chromium through Playwright, a real uvicorn
server): the guard's verdict appears as one types, without submitting; with JavaScript off,
the same form still saves the draft."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from escucha.store.schema import drafts
from web.conftest import PASSWORD
from web.test_browser import ARGS, CHROMIUM, open_page, serve

from .web_site import build_site

HARD_SELL = "Compra ya con un 50% de descuento y envío gratis, solo hoy: últimas unidades"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"browser tests need Debian's chromium at {CHROMIUM}"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        yield from build_site(tmp_path_factory.mktemp("conversation-browser"), mp)


@pytest.fixture(scope="module")
def base_url(site):
    yield from serve(site.app)


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _drafts(site) -> int:
    with site.ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(drafts))


def _log_in(page, path: str) -> None:
    page.goto(path)
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def test_the_guard_verdict_appears_while_typing(browser, base_url, site):
    context, page = open_page(browser, base_url)
    try:
        path = f"/inbox/{site.ids['maleta']}"
        _log_in(page, path)
        before = _drafts(site)
        page.get_by_label("Your reply").press_sequentially(HARD_SELL, delay=5)
        flag = page.locator('#guard-verdict [data-flag="hard_sell"]')
        flag.wait_for()  # after the 500 ms pause, htmx put the verdict under the box
        assert "hard sell" in flag.inner_text()
        verdict = page.locator("#guard-verdict [data-verdict]").get_attribute("data-verdict")
        assert verdict in ("review", "block")
        assert "50%" in page.locator("#guard-verdict").inner_text()  # the words that triggered
        assert page.url.endswith(path) and _drafts(site) == before  # nothing was submitted
        page.get_by_label("Your reply").fill("Hola Ana, lo sentimos. Lo miramos ahora mismo.")
        page.get_by_label("Your reply").press("End")  # a keyup: checked again
        page.locator('#guard-verdict [data-verdict="ok"]').wait_for()
        assert page.locator("#guard-verdict [data-flag]").count() == 0
        assert page.dialogs == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]
    finally:
        context.close()


def test_without_javascript_the_form_saves_the_draft(browser, base_url, site):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        path = f"/inbox/{site.ids['vuelo']}"
        _log_in(page, path)
        before = _drafts(site)
        page.get_by_label("Start from a snippet").select_option("looking_into_it")
        page.get_by_label("Your reply").fill("Te escribimos en cuanto sepamos la hora.")
        page.get_by_role("button", name="Save as draft").click()
        page.wait_for_url("**?draft=*")
        assert _drafts(site) == before + 1
        saved = page.locator("#draft-saved").inner_text()
        assert saved.startswith("Draft #") and "waits for approval" in saved
        text = page.locator(".draft-text").first.inner_text()
        assert "Te escribimos en cuanto sepamos la hora." in text
        assert page.locator(".draft [data-verdict]").count() >= 1  # the stored verdict
    finally:
        context.close()
