"""The respondent's form in a real browser (Debian's chromium through Playwright): axe-core
finds no accessibility violation on its pages (errors shown included), it is answered with
the keyboard alone, without JavaScript, and on a phone-sized screen without sideways
scrolling. axe-core's script comes from the axe-playwright-python package (dev extra)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.research.links import create_public_link
from escucha.research.responses import responses_frame
from research.survey_form import live_survey

from .test_browser import ARGS, CHROMIUM, serve
from .test_survey_form import _workspace

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"browser tests need Debian's chromium at {CHROMIUM}"
)


def _axe_script() -> Path:
    axe = pytest.importorskip("axe_playwright_python")
    return Path(axe.__file__).parent / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[object, str]]:
    from escucha.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = _workspace(tmp_path_factory.mktemp("survey-browser"), 10_000)
        for base in serve(create_app(ws)):
            yield ws, base


@pytest.fixture(scope="module")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _link(ws, base: str) -> tuple[int, str]:
    survey_id = live_survey(ws)
    url = create_public_link(ws, survey_id, "web").url
    return survey_id, base + url.split("127.0.0.1:8000", 1)[1]


def _violations(page) -> list[str]:
    page.evaluate(_axe_script().read_text(encoding="utf-8"))  # not a page script: CSP stays
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)


def test_axe_finds_no_violation_on_any_page_of_the_form(site, chromium):
    ws, base = site
    page = chromium.new_page(locale="es-ES", extra_http_headers={"accept-language": "es"})
    page.goto(_link(ws, base)[1])
    assert page.locator("html").get_attribute("lang") == "es"
    assert _violations(page) == []
    page.get_by_role("button", name="Empezar la encuesta").click()
    assert _violations(page) == []
    page.get_by_role("button", name="Guardar y seguir").click()  # nothing answered
    assert page.locator("#err-ok").is_visible()
    assert page.get_by_label("Acepto participar").get_attribute("aria-describedby") == "err-ok"
    assert _violations(page) == []
    page.get_by_label("Acepto participar").check()
    page.get_by_role("group", name="País").get_by_label("España").check()
    page.get_by_role("group", name="¿Volaste con nosotros?").get_by_label("Sí").check()
    page.get_by_role("button", name="Guardar y seguir").click()
    assert page.get_by_text("Página 2 de 3").is_visible()
    assert _violations(page) == []  # the matrix: a fieldset per row inside the question's
    page.evaluate("document.querySelector('form').insertAdjacentHTML('beforeend', '<input>')")
    assert [v for v in _violations(page) if v.startswith("label:")]  # the check can fail
    page.close()


def test_the_keyboard_alone_answers_a_page(site, chromium):
    ws, base = site
    page = chromium.new_page(locale="en-US")
    page.goto(_link(ws, base)[1])
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Start
    page.wait_for_url("**/page")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ok"  # the honeypot is skipped
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Spain, the country group's first choice
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Yes
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Page 2 of 3")
    page.close()


def test_without_javascript_on_a_phone_the_whole_survey_is_answered(site, chromium):
    ws, base = site
    context = chromium.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36",
    )
    page = context.new_page()
    survey_id, link = _link(ws, base)
    page.goto(link)
    page.get_by_role("button", name="Start the survey").click()
    page.get_by_label("I agree to take part").check()
    page.get_by_label("Spain").check()
    page.get_by_role("group", name="Did you fly with us?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("group", name="Price").get_by_label("Agree", exact=True).check()
    page.get_by_role("group", name="Service").get_by_label("Neutral").check()
    page.get_by_label("Your age").fill("34")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("The app").check()
    page.get_by_label("Your name, ES").fill("Ana")
    page.get_by_label("Anything else?").fill("<script>alert(1)</script>")
    page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_text("Thank you! Your answers were sent.").is_visible()
    context.close()
    row = responses_frame(ws, survey_id).iloc[0]
    assert row["status"] == "complete" and row["ua_class"] == "phone"
    assert row["story"] == "<script>alert(1)</script>" and row["uses"] == ["app"]
    phone = chromium.new_page(viewport={"width": 360, "height": 740})
    phone.goto(link)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()
