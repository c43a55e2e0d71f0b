"""The report's files: the PDF (WeasyPrint, fetching nothing), and its tables as a zip of CSV
files and an XLSX workbook with the same numbers as the HTML page, in Spanish and English,
with text that a spreadsheet could run as a formula neutralised."""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from escucha.deliverables.pdf import html_to_pdf, local_only_fetcher
from escucha.deliverables.sheets import tables_xlsx, tables_zip
from escucha.insights import net_sentiment, share_of_voice
from escucha.insights.common import normalised
from escucha.report import render_html
from escucha.report.context import build_context

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
FORMULAS = ("=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)")
IDEAS = [
    {
        "id": 7,
        "title": '=HYPERLINK("http://evil.example","x")',
        "lang": "en",
        "posts": 12,
        "askers": 9,
        "lead": None,
        "first_seen": datetime(2024, 3, 2, tzinfo=UTC),
        "last_seen": datetime(2024, 3, 11, tzinfo=UTC),
        "status": "new",
    }
]


def _squash(text: str) -> str:
    """Text without whitespace: PDF text extraction spaces letters as the layout placed them."""
    return re.sub(r"\s+", "", text)


def _pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return _squash(" ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture
def hostile_posts(tiny_posts, frame_of) -> pd.DataFrame:
    """The tiny posts, with authors a spreadsheet would run and a script in a text."""
    rows = tiny_posts.to_dict("records")
    for row, author in zip(rows, (*FORMULAS, "<script>alert(1)</script>"), strict=False):
        row["author"] = author
    rows[3]["text"] = "<script>alert(1)</script> Acme lost my bag"
    return frame_of(rows)


def _context(posts, brands, sources_of, demo_models, lang: str) -> dict:
    return build_context(
        posts,
        workspace_name="Test <market>",
        brands=brands,
        sources=sources_of(posts),
        models=demo_models,
        generated_at=WHEN,
        ideas=IDEAS,
        lang=lang,
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ("Shareofvoice", "Netsentiment")), ("es", ("Cuotadevoz", "Sentimientoneto"))],
)
def test_the_pdf_holds_the_report_text_and_its_charts(
    hostile_posts, tiny_brands, sources_of, demo_models, lang, words
):
    context = _context(hostile_posts, tiny_brands, sources_of, demo_models, lang)
    pdf = html_to_pdf(render_html(context))
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert _squash(context["title"]) in text
    for word in words:
        assert word in text
    for row in context["share_rows"]:
        assert _squash(row["mentions"]) in text and _squash(row["share"]) in text
    # the charts are inline SVG: their own words (axis titles, legends) are drawn in the PDF
    svg_words = re.findall(r"<text[^>]*>([^<]{4,})</text>", str(context["share_chart"].svg))
    assert svg_words and any(_squash(w) in text for w in svg_words)
    # post text is shown as text, never run: the script tag is printed as it was written
    assert "<script>alert(1)</script>" in text


def test_the_pdf_fetches_nothing(tiny_posts, tiny_brands, sources_of, demo_models):
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        html = render_html(_context(tiny_posts, tiny_brands, sources_of, demo_models, "en"))
        html = html.replace(
            "</head>",
            f'<link rel="stylesheet" href="{base}/x.css"><style>@import "{base}/y.css";</style>'
            f"</head>",
        ).replace("<main>", f'<main><img src="{base}/z.png" alt=""><img src="file:///etc/passwd">')
        fetcher = local_only_fetcher()
        pdf = html_to_pdf(html, fetcher)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-")
    assert hits == []
    assert {f"{base}/x.css", f"{base}/z.png", "file:///etc/passwd"} <= set(fetcher.refused)


def _csv_tables(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def _xlsx_tables(data: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize(("lang", "brand"), [("en", "Brand"), ("es", "Marca")])
def test_csv_and_xlsx_hold_the_numbers_of_the_html(
    hostile_posts, tiny_brands, sources_of, demo_models, lang, brand
):
    context = _context(hostile_posts, tiny_brands, sources_of, demo_models, lang)
    tables = {t.key: t for t in context["tables"]}
    assert list(tables) == [
        "posts",
        "share_of_voice",
        "net_sentiment",
        "volume",
        "themes",
        "authors",
        "competitors",
        "ideas",
        "give_ask",
    ]
    as_csv = _csv_tables(tables_zip(context["tables"]))
    as_xlsx = _xlsx_tables(tables_xlsx(context["tables"]))
    assert set(as_csv) == set(as_xlsx) == set(tables)
    for key, table in tables.items():
        assert as_csv[key][0] == list(table.columns)
        assert as_xlsx[key][0] == table.columns
        assert len(as_csv[key]) == len(as_xlsx[key]) == len(table.rows) + 1
    assert brand in tables["share_of_voice"].columns

    # share of voice and net sentiment: the insights' numbers, in the HTML's order
    frame = normalised(hostile_posts)
    share = share_of_voice(frame).set_index(["lang", "brand"])
    sheet = as_xlsx["share_of_voice"][1:]
    assert [(r[1], r[3]) for r in sheet] == [
        (row["brand"], int(row["mentions"])) for row in context["share_rows"]
    ]
    for lang_code, name, ours, mentions, fraction, *_ in sheet:
        assert mentions == share.at[(lang_code, name), "mentions"]
        assert fraction == pytest.approx(share.at[(lang_code, name), "share"])
        assert ours == (name == "Acme")
    for row, html in zip(as_csv["share_of_voice"][1:], context["share_rows"], strict=True):
        assert row[3] == html["mentions"]  # the tiny numbers print the same in both
        assert float(row[4]) == pytest.approx(share.at[(row[0], row[1]), "share"])

    sentiment = net_sentiment(frame).set_index(["lang", "brand"])
    for row in as_xlsx["net_sentiment"][1:]:
        lang_code, name, _ours, posts, positive, neutral, negative, net, *_rest, few = row
        expected = sentiment.loc[(lang_code, name)]
        assert (posts, positive, neutral, negative) == tuple(
            int(expected[c]) for c in ("posts", "positive", "neutral", "negative")
        )  # the sample sizes
        assert few == bool(expected["too_few"])
        if net is not None:
            assert net == pytest.approx(expected["net"])
    acme = next(r for r in as_xlsx["net_sentiment"][1:] if r[:2] == ("en", "Acme"))
    assert acme[3:7] == (5, 3, 1, 1)  # 3 positive, 1 neutral, 1 negative: by hand

    posts = {(r[0], r[1]): r[2] for r in as_xlsx["posts"][1:]}
    assert posts == {("en", "hand"): 6, ("es", "hand"): 2}


def test_formulas_from_posts_are_neutralised(hostile_posts, tiny_brands, sources_of, demo_models):
    from openpyxl import load_workbook

    context = _context(hostile_posts, tiny_brands, sources_of, demo_models, "en")
    data = tables_xlsx(context["tables"])
    authors_csv = [row[0] for row in _csv_tables(tables_zip(context["tables"]))["authors"][1:]]
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book["authors"].iter_rows(min_row=2) for c in row[:1]]
    shown = [c.value for c in cells]
    for formula in FORMULAS:
        if "'" + formula in shown:  # the author is among the top authors
            assert "'" + formula in authors_csv
    assert any(v and v.startswith("'") for v in shown)
    assert all(not v.startswith(tuple("=+-@")) for v in shown if v)
    assert all(not v.startswith(tuple("=+-@")) for v in authors_csv if v)
    assert all(c.data_type == "s" for c in cells)  # never a formula cell
    idea = _csv_tables(tables_zip(context["tables"]))["ideas"][1]
    assert idea[1] == "'" + IDEAS[0]["title"]
    assert book["ideas"]["B2"].value == "'" + IDEAS[0]["title"]
    assert book["ideas"]["B2"].data_type == "s"
    # numbers stay numbers (a negative net sentiment is not text with an apostrophe)
    nets = [r[7] for r in book["net_sentiment"].iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(n, int | float) and n < 0 for n in nets)


def test_a_comparison_adds_its_tables(tiny_posts, tiny_brands, sources_of, demo_models):
    from escucha.insights.compare import compare_periods
    from escucha.insights.periods import Period

    frame = normalised(tiny_posts)
    before = Period(date(2024, 3, 1), date(2024, 3, 5))
    after = Period(date(2024, 3, 6), date(2024, 3, 10))
    comparison = compare_periods(frame, before, after)
    context = build_context(
        frame,
        workspace_name="t",
        brands=tiny_brands,
        sources=sources_of(frame),
        models=demo_models,
        generated_at=WHEN,
        comparison=comparison,
        period=after,
    )
    keys = [t.key for t in context["tables"]]
    assert keys[1:3] == ["comparison", "theme_changes"]
    table = context["tables"][1]
    acme = [r for r in table.rows if r[1] == "Acme"]
    assert {r[3] for r in acme} == {"volume", "share", "net", "complaint", "wish"}
    volume = next(r for r in acme if r[3] == "volume")
    block = next(b for b in context["comparison"]["brands"] if b["brand"] == "Acme")
    row = next(r for r in block["rows"] if r["key"] == "volume")
    assert row["samples"] == f"{volume[7]} / {volume[8]}"  # both sample sizes, as in the HTML


def test_missing_values_are_empty_cells():
    import numpy as np

    from escucha.report.tables import plain

    missing = (None, pd.NA, pd.NaT, float("nan"), np.float64("nan"), np.datetime64("NaT"))
    assert [plain(v) for v in missing] == [None] * len(missing)
    assert plain(np.int64(3)) == 3 and isinstance(plain(np.int64(3)), int)
    assert plain(np.bool_(True)) is True
    assert plain(pd.Timestamp("2024-03-02", tz="UTC")) == "2024-03-02T00:00:00+00:00"


def test_without_weasyprint_the_pdf_is_one_clear_error(monkeypatch):
    import sys

    from escucha.errors import UserError

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it could not be imported
    with pytest.raises(UserError) as raised:
        html_to_pdf("<p>x</p>")
    assert "libpango-1.0-0" in str(raised.value)
