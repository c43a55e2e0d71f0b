"""Per-language accuracy next to every comparison of languages on the web pages (issue 14,
item 3): the competitors page, the overview's sentiment and the themes page quote each
language's measured accuracy as the report does, read from the models' metrics.json."""

from __future__ import annotations

import re

import pytest

from escucha.understand.metrics import record

from .conftest import csrf_of, logged_in

ANNOTATED = "understand/annotations/{}.jsonl"
RECORDS = [
    record("intent.complaint", "en", "precision", 0.82, 235, ANNOTATED.format("en")),
    record("intent.complaint", "en", "recall", 0.78, 235, ANNOTATED.format("en")),
    record("intent.complaint", "en", "f1", 0.8, 235, ANNOTATED.format("en")),
    record("intent.complaint", "es", "f1", 0.5, 330, ANNOTATED.format("es_1")),  # superseded
    record("intent.complaint", "es", "precision", 0.9, 300, ANNOTATED.format("es_3")),
    record("intent.complaint", "es", "recall", 0.6, 300, ANNOTATED.format("es_3")),
    record("intent.complaint", "es", "f1", 0.72, 300, ANNOTATED.format("es_3")),
    record("sentiment", "es", "macro_f1", 0.61, 324, "umsab/spanish/val.jsonl"),
    record("sentiment", "en", "macro_f1", 0.73, 323, "umsab/english/val.jsonl"),
    {**record("intent.wish", "en", "f1", 0.55, 1, ANNOTATED.format("en")), "n": "<i>7</i>"},
]
COMPLAINT_EN = "English F1 0.80 (precision 0.82, recall 0.78; n 235)"
COMPLAINT_ES = "Spanish F1 0.72 (precision 0.90, recall 0.60; n 300)"
SENTIMENT = "Spanish macro-F1 0.61 (n 324)", "English macro-F1 0.73 (n 323)"
WISH = "English F1 0.55 (precision —, recall —; n &lt;i&gt;7&lt;/i&gt;)", "Spanish: not measured"
NOTE = re.compile(r'<p class="muted accuracy-note">(.*?)</p>', re.S)


@pytest.fixture
def pages(env, monkeypatch):
    """A client of an app of its own (a cold cache) whose models' metrics are RECORDS."""
    from escucha.understand import shipped
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    monkeypatch.setattr(shipped, "shipped_metrics", lambda: {"records": RECORDS})
    return logged_in(create_app(env.workspace, WebSettings(compute_wait=600)), "ana")


def _notes(page: str) -> list[str]:
    return [" ".join(n.split()) for n in NOTE.findall(page)]


def test_the_competitor_table_and_chart_state_each_languages_accuracy(pages):
    page = pages.get("/competitors").text
    notes = _notes(page)
    assert len(notes) == 4  # under the table: sentiment, complaint, wish; under the chart
    sentiment, complaint, wish, chart = notes
    assert sentiment.startswith("Measured accuracy of sentiment by language")
    assert all(s in sentiment for s in SENTIMENT) and chart == sentiment
    assert COMPLAINT_EN in complaint and COMPLAINT_ES in complaint and "0.50" not in complaint
    assert all(w in wish for w in WISH) and "<i>" not in page
    table_end, opportunities = page.index("</table>"), page.index('id="opportunities-h"')
    assert table_end < page.index(complaint) < opportunities  # right under the table


def test_the_overview_and_the_themes_state_it_too(pages):
    overview = _notes(pages.get("/").text)
    assert len(overview) == 1 and all(s in overview[0] for s in SENTIMENT)
    themes = _notes(pages.get("/themes").text)
    assert len(themes) == 2 and COMPLAINT_ES in themes[0] and WISH[1] in themes[1]
    assert _notes(pages.get("/themes?lang=es").text) == []  # one language: nothing compared


def test_in_spanish(pages):
    token = csrf_of(pages, "/")
    pages.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    try:
        notes = _notes(pages.get("/competitors").text)
    finally:  # the choice is Ana's preference: the other tests read her pages in English
        pages.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert "Español F1 0,72 (precisión 0,90, exhaustividad 0,60; n 300)" in notes[1]
    assert notes[0].startswith("Precisión medida de sentimiento por idioma")
    assert "Inglés macro-F1 0,73 (n 323)" in notes[0]
