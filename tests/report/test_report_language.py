"""The report in each UI language: `--lang es` writes it all in Spanish (headings, sentences,
chart titles, axes and month names), `--lang en` is the English page as it always was, and
without --lang the workspace's first language decides."""

from __future__ import annotations

import html
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escucha.i18n import catalogue
from escucha.report import render_report

from .conftest import DEMO, DEMO_MODELS, demo_sources, write_demo_sample

GOLDEN = Path(__file__).parent / "data" / "report_en_tiny.html"
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)
AXIS_DAY = re.compile(r">\d{1,2} ([A-Za-z]{3})</text>")  # the volume axis: "4 Mar" / "4 mar"
SPANISH_MONTHS = catalogue("es").locale.short_months


def _render(posts, brands, lang: str | None = None) -> str:
    chosen = {} if lang is None else {"lang": lang}
    return render_report(
        posts,
        workspace_name="Test <market>",
        brands=brands,
        sources=demo_sources(posts),
        models=DEMO_MODELS,
        generated_at=WHEN,
        **chosen,
    )


def _visible_text(page: str) -> str:
    """What a reader sees: text between tags (the charts' too), unescaped, spaces folded."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _english_in(text: str) -> list[str]:
    """The English fragments in `text`, each as a phrase of its own: not inside a longer word or
    a file name such as the method section's "complaints/preotiuc2019/train.jsonl"."""
    return [
        f for f in _english_fragments() if re.search(rf"(?<![\w/]){re.escape(f)}(?![\w/])", text)
    ]


def _english_fragments() -> set[str]:
    """The literal pieces (10+ characters) of every English sentence the Spanish differs in."""
    en, es = catalogue("en"), catalogue("es")
    return {
        literal.strip()
        for key in en
        if en[key] != es[key]
        for literal, *_ in string.Formatter().parse(en[key])
        if len(literal.strip()) >= 10
    }


def test_english_is_the_page_it_always_was(tiny_posts, tiny_brands):
    """The charts aside (their SVG depends on the renderer's version), the English page is
    byte for byte the one escucha wrote before the catalogues were shared; if it changes on
    purpose, write the new page (charts as <svg/>) to tests/report/data."""
    page = _render(tiny_posts, tiny_brands, "en")
    assert page == _render(tiny_posts, tiny_brands)  # English unless told otherwise
    assert SVG.sub("<svg/>", page) == GOLDEN.read_text(encoding="utf-8")
    assert set(AXIS_DAY.findall(page)) == {"Mar"}


def test_spanish_page_says_everything_in_spanish(tiny_posts, tiny_brands):
    page = _render(tiny_posts, tiny_brands, "es")
    assert '<html lang="es">' in page
    assert "<h1>Informe de escucha: Test &lt;market&gt;</h1>" in page
    for heading in ("Resumen", "Cuota de voz", "Sentimiento neto", "Temas de quejas y deseos"):
        assert f">{heading}</h2>" in page, heading
    assert "Inglés: Acme tiene 5 menciones (83\u00a0% de cuota de voz)" in page
    assert "+0,50" in page and "−0,40 … +0,91" in page
    assert "macro_f1 0,61 · n 324" in page and "intenciones / deseo" in page
    assert set(AXIS_DAY.findall(page)) == {"mar"}  # Spanish month names on the axis
    text = _visible_text(page)
    assert "Español: cuota de voz" in text and "Cuota de voz (menciones de marca" in text
    assert not _english_in(text)


@pytest.fixture(scope="module")
def workspace_dir(tmp_path_factory) -> Path:
    """A small workspace with the demo's configuration (languages: es, then en)."""
    from escucha.workspace import init_workspace

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("languages")
        (root / "escucha.toml").write_text(
            (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        ws = init_workspace(root)
        for name, id_field in (("es_airline_tweets", "tweet_id"), ("us_airline_tweets", "row")):
            path = root / f"{name}.jsonl"
            write_demo_sample(path, f"{name}.jsonl.gz", id_field, 150)
            ws.import_file(path, source=name)
        ws.analyze()
    return root


def _report(root: Path, monkeypatch, *options: str) -> str:
    from escucha.cli.app import app

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    out = root / "report.html"
    args = ["--workspace", str(root), "report", "--out", str(out), *options]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    return out.read_text(encoding="utf-8")


def test_cli_writes_the_report_in_the_language_asked(workspace_dir, monkeypatch):
    spanish = _report(workspace_dir, monkeypatch, "--lang", "es")
    assert '<html lang="es">' in spanish and ">Método</h2>" in spanish
    months = set(AXIS_DAY.findall(spanish))
    assert months and months <= set(SPANISH_MONTHS) and "dic" in months
    assert not _english_in(_visible_text(spanish))
    english = _report(workspace_dir, monkeypatch, "--lang", "en")
    assert '<html lang="en">' in english and ">Method</h2>" in english
    months = set(AXIS_DAY.findall(english))
    assert months and months <= set(catalogue("en").locale.short_months) and "Dec" in months


def test_cli_defaults_to_the_workspace_first_language(workspace_dir, monkeypatch):
    assert '<html lang="es">' in _report(workspace_dir, monkeypatch)  # languages = ["es", "en"]
    from escucha.cli.app import app

    bad = CliRunner().invoke(app, ["--workspace", str(workspace_dir), "report", "--lang", "fr"])
    assert bad.exit_code != 0 and "fr" in bad.output


GIVE_ASK = [
    {"month": "2026-01", "gives": 3, "asks": 1, "ratio": 3.0, "warning": False},
    {"month": "2026-02", "gives": 0, "asks": 2, "ratio": 0.0, "warning": True},
]


def test_the_give_ask_balance_warns_when_asks_outrun_gives(tiny_posts, tiny_brands):
    for lang, warning in (
        ("en", "Asks outran gives in 2026-02"),
        ("es", catalogue("es").text("ledger_warning", months="2026-02")),
    ):
        page = render_report(
            tiny_posts,
            workspace_name="Test",
            brands=tiny_brands,
            sources=demo_sources(tiny_posts),
            models=DEMO_MODELS,
            generated_at=WHEN,
            give_ask=GIVE_ASK,
            lang=lang,
        )
        section = page[page.index('<section id="give-ask"') : page.index('<section id="alerts"')]
        assert warning in html.unescape(section), lang
        assert "<svg" in section  # the chart
        rows = re.findall(r'<th scope="row">(\d{4}-\d{2})', section)
        assert rows == ["2026-02", "2026-01"]  # newest first
        assert catalogue(lang)["report_give_ask_empty"] not in html.unescape(section)
