"""`escucha report --from --to --compare`: the report of a period, compared with another."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escucha_testkit import demo_workspace

FROM, TO = "2017-11-16", "2017-11-30"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        folder = tmp_path_factory.mktemp("period") / "ws"
        demo_workspace(folder, n=250)
    return folder


def _run(root: Path, monkeypatch, *options: str):
    from escucha.cli.app import app

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    out = root / "report.html"
    out.unlink(missing_ok=True)
    done = CliRunner().invoke(
        app, ["--workspace", str(root), "report", "--out", str(out), *options]
    )
    return done, out


def _posts_between(root: Path, first: str, last: str):
    import escucha

    posts = escucha.open_workspace(root).posts()
    days = posts["created_at"].dt.strftime("%Y-%m-%d")
    return posts[(days >= first) & (days <= last)]


def test_the_report_of_a_period_counts_only_its_posts(root: Path, monkeypatch) -> None:
    done, out = _run(root, monkeypatch, "--from", FROM, "--to", TO, "--lang", "en")
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")
    inside = _posts_between(root, FROM, TO)
    assert len(inside) > 0
    assert f"{len(inside):,} posts" in page
    assert '<p id="report-period">Nov 16, 2017 to Nov 30, 2017 (15 days)</p>' in page
    assert 'id="comparison"' not in page


def test_the_comparison_names_its_tests_and_samples_in_both_languages(
    root: Path, monkeypatch
) -> None:
    done, out = _run(root, monkeypatch, "--from", FROM, "--to", TO, "--compare", "previous")
    assert done.exit_code == 0, done.output
    spanish = out.read_text(encoding="utf-8")  # the workspace's first language
    assert '<section id="comparison"' in spanish
    assert "Del 1 nov 2017 al 15 nov 2017 (15 días)" in spanish  # the previous 15 days
    assert "prueba z de dos proporciones" in spanish and "prueba exacta de Poisson" in spanish
    before = _posts_between(root, "2017-11-01", "2017-11-15")
    after = _posts_between(root, FROM, TO)
    n_before = sum("Iberia" in b for b in before["brands"])
    n_after = sum("Iberia" in b for b in after["brands"])
    caption = spanish.index('<caption>Iberia <span class="badge ours">')
    volume = spanish[caption : spanish.index("</tr>", spanish.index("Menciones</th>", caption))]
    assert f"{n_before:,} / {n_after:,}".replace(",", ".") in volume

    done, out = _run(
        root,
        monkeypatch,
        "--from",
        FROM,
        "--to",
        TO,
        "--compare",
        "2017-10-01:2017-10-31",
        "--lang",
        "en",
    )
    assert done.exit_code == 0, done.output
    english = out.read_text(encoding="utf-8")
    assert "Oct 1, 2017 to Oct 31, 2017 (31 days)" in english
    assert "two-proportion z-test" in english
    # a measure on too few posts says so instead of a verdict
    assert re.search(r'class="too-few">.*?too few posts to tell', english, re.DOTALL)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--to", "30/11/2017"), "--to: '30/11/2017' is not a day"),
        (("--from", "2017-12-01", "--to", "2017-11-01"), "after its last day"),
        (("--compare", "previous"), "choose a period"),
        (("--from", FROM, "--compare", "october"), "--compare: 'october' is not a range"),
    ],
)
def test_bad_periods_are_one_clear_line(root: Path, monkeypatch, capsys, options, says) -> None:
    from escucha.cli import main

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    out = root / "bad.html"
    assert main(["--workspace", str(root), "report", "--out", str(out), *options]) == 1
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_cli_writes_the_pdf_and_the_tables_of_a_period(root: Path, monkeypatch) -> None:
    """`--format pdf|csv|xlsx` with the same period flags; the default file names follow."""
    import io
    import zipfile

    from openpyxl import load_workbook

    from escucha.cli.app import app

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    period = ["--from", FROM, "--to", TO, "--compare", "previous", "--lang", "en"]
    for fmt, name in (("pdf", "report.pdf"), ("csv", "report.zip"), ("xlsx", "report.xlsx")):
        (root / name).unlink(missing_ok=True)
        done = CliRunner().invoke(app, ["--workspace", str(root), "report", "-f", fmt, *period])
        assert done.exit_code == 0, done.output
        assert str(root / name) in done.output
    assert (root / "report.pdf").read_bytes().startswith(b"%PDF-")
    inside = _posts_between(root, FROM, TO)
    with zipfile.ZipFile(root / "report.zip") as archive:
        assert {"posts.csv", "comparison.csv", "share_of_voice.csv"} <= set(archive.namelist())
        posts_csv = archive.read("posts.csv").decode("utf-8-sig")
    book = load_workbook(io.BytesIO((root / "report.xlsx").read_bytes()))
    counted = [row[2] for row in book["posts"].iter_rows(min_row=2, values_only=True)]
    assert sum(counted) == len(inside)  # the period's posts only
    assert posts_csv.splitlines()[0].startswith("Language code,Source,Posts")
    comparison = list(book["comparison"].iter_rows(values_only=True))
    assert comparison[0][3:9] == ("Measure", "Before", "After", "Change", "n before", "n after")
    assert {row[3] for row in comparison[1:]} == {"volume", "share", "net", "complaint", "wish"}
