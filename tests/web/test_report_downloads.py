"""The report's downloads in the web app: the PDF and the tables (CSV zip, XLSX) for the
page's period, in the UI's language, for every role; the overview links to them."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from .conftest import csrf_of, logged_in


@pytest.fixture(scope="module")
def viewer_client(app):
    return logged_in(app, "vic")


def test_the_overview_links_to_the_downloads_with_its_period(viewer_client):
    page = viewer_client.get("/?period=30d&compare=previous").text
    links = dict(re.findall(r'<a href="([^"]+)" id="download-(\w+)">', page))
    assert set(links.values()) == {"pdf", "csv", "xlsx"}
    for href in links:
        assert href.endswith("?period=30d&amp;compare=previous"), href


def test_the_pdf_download(viewer_client):
    response = viewer_client.get("/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="report.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_tables_of_a_period_in_the_ui_language(app, viewer_client, env):
    from openpyxl import load_workbook

    from escucha.insights.periods import PeriodChoice
    from escucha.report_inputs import report_context

    query = "?period=custom&date_from=2017-11-16&date_to=2017-11-30&compare=previous"
    zipped = viewer_client.get("/report/tables.zip" + query)
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        tables = {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }
    assert "comparison.csv" in tables and tables["share_of_voice.csv"][0][1] == "Brand"
    workbook = viewer_client.get("/report/tables.xlsx" + query)
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[:3] == ["posts", "comparison", "theme_changes"]
    # the same numbers as the report of that period made outside the web app
    choice = PeriodChoice.parse("custom", "2017-11-16", "2017-11-30", "previous", "", "")
    context = report_context(env.workspace, "en", period=choice)
    expected = {t.key: t.rows for t in context["tables"]}
    sheet = [tuple(r) for r in book["share_of_voice"].iter_rows(min_row=2, values_only=True)]
    assert sheet == [tuple(r) for r in expected["share_of_voice"]]
    assert len(tables["net_sentiment.csv"]) == len(expected["net_sentiment"]) + 1
    # hostile authors and texts never start a cell with a formula character
    for rows in tables.values():
        for row in rows[1:]:
            assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
    # and in Spanish for a Spanish UI
    token = csrf_of(viewer_client, "/sources")
    viewer_client.post("/language", data={"csrf_token": token, "lang": "es"})
    try:
        spanish = viewer_client.get("/report/tables.zip" + query)
    finally:
        viewer_client.post("/language", data={"csrf_token": token, "lang": "en"})
    with zipfile.ZipFile(io.BytesIO(spanish.content)) as archive:
        heading = archive.read("share_of_voice.csv").decode("utf-8-sig").splitlines()[0]
    assert heading.startswith("Código de idioma,Marca,Nuestra marca,Menciones")


def test_a_bad_period_is_a_clear_error(viewer_client):
    response = viewer_client.get("/report.pdf?period=custom&date_from=2017-13-01")
    assert response.status_code == 400


def _until_ready(client, url: str):
    """Ask for `url` as the waiting page's poll does, until the file is ready (no time limit
    asserted); then the plain request, which gets the file."""
    import threading

    for _ in range(1200):
        poll = client.get(url, headers={"HX-Request": "true"})
        if poll.status_code == 200:
            assert poll.headers["HX-Redirect"] == url and poll.content == b""
            return client.get(url)
        assert poll.status_code == 202 and 'id="preparing"' in poll.text
        assert "<html" not in poll.text  # the fragment the poll swaps, not a page
        threading.Event().wait(0.1)
    raise AssertionError(f"{url} never got ready")


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """A small workspace of its own (a post is added to it) in an app that never waits for a
    computation: every download starts as the "being prepared" page."""
    from escucha.auth.users import create_user
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings
    from escucha_testkit import demo_workspace, logged_in_client

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = demo_workspace(tmp_path_factory.mktemp("cold") / "ws", n=60)
        create_user(ws.engine, "vic", "a long enough password 1", "viewer")
        app = create_app(ws, WebSettings(compute_wait=0))
        yield ws, logged_in_client(app, "vic", "a long enough password 1")


def test_a_cold_download_is_prepared_in_the_background_then_served(cold, tmp_path):
    import json

    ws, client = cold
    url = "/report/tables.xlsx?period=all"
    calls: list[str] = []
    import escucha.report_inputs as inputs

    made = inputs.report_bytes

    def counted(*args, **kwargs):
        calls.append(args[1])
        return made(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(inputs, "report_bytes", counted)
        first = client.get(url)
        assert first.status_code == 202 and first.headers["content-type"].startswith("text/html")
        assert "The report is being prepared" in first.text
        assert 'hx-trigger="load delay:2s"' in first.text and f'hx-get="{url}"' in first.text
        assert '<meta http-equiv="refresh"' in first.text  # without JavaScript
        assert f'href="{url}"' in first.text.replace("&amp;", "&")
        done = _until_ready(client, url)
        assert done.status_code == 200
        assert done.headers["content-disposition"] == 'attachment; filename="report-tables.xlsx"'
        assert done.content.startswith(b"PK")
        again = client.get(url)  # from the cache: no second computation
        assert again.content == done.content and calls == ["xlsx"]
        # a new post changes the data version: the next request prepares a new file
        path = tmp_path / "one.jsonl"
        row = {"id": "new-1", "created_at": "2015-02-24T12:00:00", "text": "@united thanks!"}
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        ws.import_file(path, source="en")
        assert client.get(url).status_code == 202
        assert _until_ready(client, url).status_code == 200
        assert calls == ["xlsx", "xlsx"]


def test_the_waiting_page_in_spanish(cold):
    _ws, client = cold
    token = csrf_of(client, "/sources")
    client.post("/language", data={"csrf_token": token, "lang": "es"})
    try:
        waiting = client.get("/report/tables.zip?period=7d")
        assert waiting.status_code == 202 and "El informe se está preparando" in waiting.text
        assert "Descargarlo (cuando esté listo)" in waiting.text
        poll = client.get("/report/tables.zip?period=7d", headers={"HX-Request": "true"})
        assert poll.status_code in (200, 202)
        if poll.status_code == 202:
            assert "El informe se está preparando" in poll.text
        assert _until_ready(client, "/report/tables.zip?period=7d").content.startswith(b"PK")
    finally:
        client.post("/language", data={"csrf_token": token, "lang": "en"})
