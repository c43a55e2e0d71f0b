"""The demo end to end on the bundled real data: import, analyse, report, and run it again."""

from __future__ import annotations

import re

import pytest

from escucha.demo import run_demo
from escucha.workspace import open_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return folder, run_demo(folder)


def test_demo_imports_both_markets_and_reports_the_rejects(demo):
    folder, summary = demo
    lines = "\n".join(summary["lines"])
    assert "es_airline_tweets.jsonl.gz: 7,867 new" in lines
    assert (
        "us_airline_tweets.jsonl.gz: 14,640 new, 0 already stored, 0 rejected, "
        "6 kept without a readable date" in lines
    )
    status = open_workspace(folder).status()
    assert status["posts"] == 7_867 + 14_640 and status["not_enriched"] == 0
    assert status["languages"]["es"] > 6_000 and status["languages"]["en"] > 12_000
    assert status["brands"]["Iberia"] > 3_000 and status["brands"]["United Airlines"] > 3_000


def test_demo_report_answers_the_questions(demo):
    folder, summary = demo
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert summary["report"] == (folder / "report.html").resolve()
    for heading in ("Share of voice", "Net sentiment", "concerns", "wishes", "Method"):
        assert heading.lower() in html.lower(), heading
    assert "<svg" in html  # real charts, inlined
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"http", html)  # nothing external
    assert "https://twitter.com/i/web/status/" in html  # quotes link to their posts
    assert "Iberia" in html and "United Airlines" in html


def test_running_the_demo_again_changes_nothing(demo):
    folder, _ = demo
    again = run_demo(folder)
    lines = "\n".join(again["lines"])
    assert "7,867 already stored" in lines and "14,640 already stored" in lines
    assert "analysed 0 posts" in lines
    assert open_workspace(folder).status()["posts"] == 7_867 + 14_640
