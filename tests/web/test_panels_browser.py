"""The tester's page in a real browser (Debian's chromium through Playwright): without
JavaScript on a phone, a tester accepts the terms, sends a report and leaves the test; axe-core
finds no accessibility violation on its states."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from .test_browser import ARGS, CHROMIUM, serve
from .test_survey_browser import _violations

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"browser tests need Debian's chromium at {CHROMIUM}"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[object, str]]:
    from escucha.community.importer import import_contacts
    from escucha.panels.define import create_panel
    from escucha.panels.invite import invite
    from escucha.panels.recruit import recruit
    from escucha.web.app import create_app
    from escucha.workspace import init_workspace

    from .conftest import DEMO

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("panels-browser")
        (root / "escucha.toml").write_text(
            (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        ws = init_workspace(root)
        people = root / "people.csv"
        with people.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["name", "email", "lang", "consent"])
            writer.writerow(["Ana", "ana@example.org", "es", "yes"])
        import_contacts(ws, people, rejects_dir=root / "rejects")
        panel = create_panel(ws, "Botella", "all", 1, seed=1, product="Botella",
                             phases=["unboxing"])  # fmt: skip
        recruit(ws, panel["id"])
        url = invite(ws, panel["id"])["invited"][0]["url"]
        for base in serve(create_app(ws)):
            yield ws, base + url.split("127.0.0.1:8000", 1)[1]


@pytest.fixture(scope="module")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_a_tester_accepts_reports_and_leaves_without_javascript(site, chromium):
    from escucha.store.schema.panels import panel_feedback, panel_testers

    ws, link = site
    axe = chromium.new_page(locale="es-ES", extra_http_headers={"accept-language": "es"})
    axe.goto(link)
    assert axe.locator("html").get_attribute("lang") == "es"
    assert _violations(axe) == []
    axe.close()
    context = chromium.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        extra_http_headers={"accept-language": "es"},
    )
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Acepto las condiciones").click()
    assert page.get_by_role("heading", name="Enviar un informe").is_visible()
    page.get_by_label("Un fallo (algo no funciona)").check()
    page.get_by_label("¿Qué gravedad tiene?").select_option("high")
    page.get_by_label("¿Qué ha pasado o qué sugieres?").fill("<script>alert(1)</script> gotea")
    page.get_by_label("Pasos para reproducirlo (si es un fallo)").fill("llenar y girar")
    page.get_by_role("button", name="Enviar").click()
    assert page.get_by_text("Gracias, tu informe está guardado.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # a phone
    page.get_by_role("button", name="Dejar la prueba").click()
    assert page.get_by_text("Has dejado la prueba").first.is_visible()
    context.close()
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(panel_feedback.c.text)) == "<script>alert(1)</script> gotea"
        assert conn.scalar(sa.select(panel_testers.c.status)) == "dropped"
