"""The rendered page: sections, self-containment, escaping of hostile text, determinism."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
import pytest

from escucha.i18n import catalogue
from escucha.i18n.format import safe_url
from escucha.insights.common import normalised
from escucha.insights.themes import quote_of
from escucha.report import render_report
from escucha.report.accuracy import accuracy_by_language, metric_rows
from escucha.report.charts import OUR_COLOUR, brand_colours
from escucha.understand.metrics import record
from escucha.understand.shipped import shipped_metrics

from .conftest import make_theme

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
SECTIONS = (
    "summary",
    "volume",
    "share",
    "sentiment",
    "themes",
    "authors",
    "competitors",
    "ideas",
    "alerts",
    "method",
)


@pytest.fixture(scope="session")
def render(demo_models, sources_of):
    def _render(
        posts: pd.DataFrame, brands: list[dict], models: dict | None = None, **inputs
    ) -> str:
        return render_report(
            posts,
            workspace_name="Test <market>",
            brands=brands,
            sources=sources_of(posts) if len(posts) else [],
            models=demo_models if models is None else models,
            generated_at=WHEN,
            **inputs,
        )

    return _render


@pytest.fixture(scope="session")
def demo_page(demo_posts, brands, render) -> str:
    return render(demo_posts, brands)


def test_page_has_every_section(tiny_posts, tiny_brands, render):
    page = render(tiny_posts, tiny_brands)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page and '<meta charset="utf-8">' in page
    for section in SECTIONS:
        assert f'<section id="{section}"' in page
    assert "<h1>Listening report: Test &lt;market&gt;</h1>" in page


def test_page_is_self_contained_and_has_no_script(demo_page):
    assert "<script" not in demo_page.lower()
    assert "<link" not in demo_page and "@import" not in demo_page
    assert not re.search(r"""\ssrc\s*=""", demo_page)
    assert demo_page.count("<svg") == 3  # volume, share of voice, net sentiment
    assert demo_page.count('role="img" aria-label="') == 3


def test_demo_page_answers_the_questions(demo_page):
    assert "Iberia in Spanish posts:" in demo_page
    assert "Most common concern: “" in demo_page
    assert "too few to compare" in demo_page
    assert "of them fit no theme (“other”)" in demo_page
    assert "Opportunities: where competitors are praised and we are criticised" in demo_page
    assert "No ideas are stored yet: run `escucha ideas refresh`" in demo_page
    assert "No alerts yet" in demo_page
    assert 'rel="noopener noreferrer nofollow"' in demo_page  # Spanish posts have URLs
    assert "not measured" in demo_page and "macro_f1 0.61 · n 324 · UMSAB val" in demo_page
    assert "French" not in demo_page  # metrics of a language the workspace does not use
    assert "@Iberia, @Iberia_en" in demo_page  # the brand rules are stated


def test_same_input_same_page(demo_posts, brands, demo_page, render):
    assert render(demo_posts.sample(frac=1, random_state=3), brands) == demo_page


def _hostile(frame_of, tiny_posts) -> pd.DataFrame:
    extra = tiny_posts.iloc[[3, 3, 3, 3]].to_dict("records")
    for i, (row, text, url, author) in enumerate(
        zip(
            extra,
            [
                "<script>alert(1)</script> Acme lost my bag",
                "Acme lost my bag <img src=x onerror=alert(2)>",
                "Acme lost my bag, no answer",
                "Acme lost my bag at the airport",
            ],
            [
                "javascript:alert(1)",
                "data:text/html,<script>alert(3)</script>",
                "https://example.com/p?a=1&b=2",
                " JAVASCRIPT:alert(4)",
            ],
            ['"><img src=x onerror=alert(5)>', None, "ok", None],
            strict=True,
        ),
        start=100,
    ):
        row.update(id=i, native_id=str(i), text=text, url=url, author=author)
        row["complaint"] = 0.99
    filler = tiny_posts.iloc[[7] * 12].to_dict("records")
    for i, row in enumerate(filler, start=200):
        row.update(id=i, text=f"Acme flight number {i} on time", brands=["Acme"])
    return frame_of([*tiny_posts.to_dict("records"), *extra, *filler])


def test_hostile_text_is_escaped_and_only_http_links_are_made(
    frame_of, tiny_posts, tiny_brands, render
):
    brands = [dict(tiny_brands[0], name="<b>Acme</b>"), *tiny_brands[1:]]
    posts = _hostile(frame_of, tiny_posts)
    posts["brands"] = [["<b>Acme</b>" if b == "Acme" else b for b in bs] for bs in posts["brands"]]
    rows = normalised(posts)
    quotes = [quote_of(r, 0.9) for _, r in rows[rows["id"].between(100, 199)].iterrows()]
    themes = [
        make_theme("en-a", "lost bag", 9, brands={"<b>Acme</b>": 9}, quotes=tuple(quotes[:2])),
        make_theme("en-b", "bag", 7, quotes=tuple(quotes[2:])),
    ]
    page = render(posts, brands, themes={"complaint": themes, "wish": []})
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Acme lost my bag" in page  # it is quoted
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "javascript:" not in page.lower() and "data:text" not in page
    assert '<a href="https://example.com/p?a=1&amp;b=2" rel="noopener noreferrer nofollow"' in page
    assert "&lt;b&gt;Acme&lt;/b&gt;" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/status/1", "https://x.com/status/1"),
        ("  HTTP://example.com ", "HTTP://example.com"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("data:text/html,hi", None),
        ("//evil.example/x", None),
        ("ftp://example.com/f", None),
        ("https://", None),
        ("https://exa mple.com", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_missing_authors_are_said_not_shown(tiny_posts, tiny_brands, render):
    page = render(tiny_posts.assign(author=None), tiny_brands)
    assert "The data has no authors" in page
    assert '<th scope="col">Author</th>' not in page


def test_partial_authors_are_counted(tiny_posts, tiny_brands, render):
    page = render(tiny_posts, tiny_brands)
    assert "Authors are known for 5 of 8 posts." in page
    assert "<td>ana</td>" in page


def test_small_brands_and_unmentioned_brands(tiny_posts, tiny_brands, render):
    page = render(tiny_posts, tiny_brands)
    assert "+0.50" in page  # Acme: 3 positive, 1 negative
    assert "too few to compare" in page
    assert "not mentioned" in page  # Initech
    assert "1 posts have no date" in page


def test_empty_workspace_still_renders(tiny_posts, tiny_brands, render):
    page = render(tiny_posts.iloc[0:0], tiny_brands, models={})
    assert "Acme is not mentioned in any post." in page
    assert "<svg" not in page
    assert "Model version: —." in page


def test_metric_rows_group_records_for_the_reports_languages():
    records = [
        record("sentiment", "es", "macro_f1", 0.61, 324, "umsab/spanish/val.jsonl"),
        record("sentiment", "es", "accuracy", 0.6, 324, "umsab/spanish/val.jsonl"),
        record("sentiment", "es", "macro_f1 (3-fold)", 0.58, 1839, "umsab/spanish/train.jsonl"),
        record("intent.wish", "en", "f1", 0.7, 120, "wishes.jsonl"),
        record("sentiment", "fr", "macro_f1", 0.66, 324, "umsab/french/val.jsonl"),
    ]
    rows = metric_rows(records, ["es", "en"], lambda c: {"es": "Spanish"}.get(c, c), "n/m")
    got = [(r["task"], r["lang"], r["value"]) for r in rows]
    assert got[:3] == [
        ("sentiment", "Spanish", "macro_f1 (3-fold) 0.58 · n 1,839 · umsab/spanish/train.jsonl"),
        ("sentiment", "Spanish", "macro_f1 0.61 · accuracy 0.60 · n 324 · umsab/spanish/val.jsonl"),
        ("sentiment", "en", "n/m"),
    ]
    assert ("intents / wish", "en", "f1 0.70 · n 120 · wishes.jsonl") in got
    assert ("intents / wish", "Spanish", "n/m") in got
    assert ("intents / complaint", "en", "n/m") in got
    assert not any("fr" in value for _, _, value in got)  # a language the report does not use
    assert len(rows) == 3 + 2 * 5


def test_shipped_metrics_reach_the_method_section(tiny_posts, tiny_brands, render):
    page = render(tiny_posts, tiny_brands, models={"version": "v", "metrics": shipped_metrics()})
    assert "macro_f1 0." in page
    assert "Spanish" in page and "Arabic" not in page


def test_brand_colours_are_stable_and_ours_stands_out(tiny_brands):
    colours = brand_colours(tiny_brands, seen=["Zeta", "Globex"])
    assert list(colours) == ["Acme", "Globex", "Initech", "Zeta"]
    assert colours["Acme"] == OUR_COLOUR
    assert len(set(colours.values())) == 4
    assert brand_colours(tiny_brands)["Globex"] == colours["Globex"]


def test_accuracy_by_language_stands_next_to_cross_language_comparisons(
    tiny_posts, tiny_brands, render
):
    records = [
        record("intent.complaint", "en", "precision", 0.82, 235, "understand/annotations/en.jsonl"),
        record("intent.complaint", "en", "recall", 0.78, 235, "understand/annotations/en.jsonl"),
        record("intent.complaint", "en", "f1", 0.8, 235, "understand/annotations/en.jsonl"),
        record("intent.complaint", "es", "f1", 0.5, 330, "understand/annotations/es_1.jsonl"),
        record(
            "intent.complaint", "es", "precision", 0.9, 300, "understand/annotations/es_3.jsonl"
        ),
        record("intent.complaint", "es", "recall", 0.6, 300, "understand/annotations/es_3.jsonl"),
        record("intent.complaint", "es", "f1", 0.72, 300, "understand/annotations/es_3.jsonl"),
        record("sentiment", "es", "macro_f1", 0.61, 324, "umsab/spanish/val.jsonl"),
    ]
    t = catalogue("en")
    note = accuracy_by_language(records, ["en", "es"], "intent.complaint", t)
    assert "English F1 0.80 (precision 0.82, recall 0.78; n 235)" in note
    assert "Spanish F1 0.72 (precision 0.90, recall 0.60; n 300)" in note  # the newest set
    assert "Spanish macro-F1 0.61 (n 324)" in accuracy_by_language(records, ["es"], "sentiment", t)
    page = render(tiny_posts, tiny_brands, models={"version": "v", "metrics": {"records": records}})
    assert page.count("Measured accuracy of") == 3  # sentiment, complaint, wish
    assert "Measured accuracy of intents / wish by language" in page
    assert "English: not measured" in page
