"""In chromium: download the report's PDF from the overview, for the chosen period (on a cold
cache: the "being prepared" page polls until the file is ready, then the download starts); and
the overview printed (the print styles): no navigation or controls, charts within the page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from .test_browser import (  # noqa: F401 (fixtures)
    browser,
    log_in,
    page,
    pytestmark,
    serve,
)


@pytest.fixture(scope="module")
def server(env):
    """The test workspace served by an app of its own that never waits for a computation: a
    report download starts as the "being prepared" page."""
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    yield from serve(create_app(env.workspace, WebSettings(compute_wait=0)))


def test_export_the_pdf_of_a_period_from_the_overview(page, tmp_path: Path):  # noqa: F811
    pypdf = pytest.importorskip("pypdf")
    log_in(page)
    page.goto("/")
    page.locator("#p-period").select_option("30d")
    page.locator("#p-compare").select_option("previous")
    page.locator("#period-apply").click()
    page.wait_for_url(re.compile(r".*period=30d.*compare=previous"))
    link = page.locator("#download-pdf")
    assert link.inner_text() == "Report as PDF"
    with page.expect_download(timeout=180_000) as started:
        link.click()
        page.wait_for_url(re.compile(r".*/report\.pdf\?period=30d.*"))
        waiting = page.locator("#preparing")
        assert "The report is being prepared" in waiting.inner_text()
    download = started.value
    assert download.suggested_filename == "report.pdf"
    path = tmp_path / "report.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", " ".join(p.extract_text() or "" for p in reader.pages))
    assert "Listeningreport" in text
    assert "Changebetweentheperiods" in text and "nbefore/after" in text  # the comparison
    assert "(30days)" in text
    assert page.dialogs == []


def test_the_overview_prints_without_navigation_or_controls(page):  # noqa: F811
    log_in(page)
    page.goto("/")
    page.emulate_media(media="print")
    for selector in (".main-nav", "#period-form", "#report-downloads", ".header-tools"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible()
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    charts = page.evaluate(
        "[...document.querySelectorAll('.chart svg')].map(s => s.getBoundingClientRect().width)"
    )
    assert charts and all(0 < w <= width + 1 for w in charts)
    pdf = page.pdf(format="A4")  # chromium's own print of the page
    assert pdf.startswith(b"%PDF-")
