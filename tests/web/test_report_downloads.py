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
    links = dict(re.findall(r'<a href="([^"]+)" id="download-(\w+)" download>', page))
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
