"""docs/python-api.md runs: every ```python block, in order, on a small demo workspace,
and the tables it builds say what the page says they do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escucha_testkit import demo_workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "python-api.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("api")
        demo_workspace(root / "airlines", n=250)
    return root


def test_the_documented_example_runs(folder: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    monkeypatch.chdir(folder)
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "posts, the newest on" in printed

    posts, week = namespace["posts"], namespace["week"]
    assert week.days == 7
    sov, sov_week = namespace["sov"], namespace["sov_week"]
    assert sov_week["mentions"].sum() < sov["mentions"].sum()
    for _, rows in sov_week.groupby("lang"):
        assert rows["share"].sum() == pytest.approx(1.0)
    in_week = posts[
        (posts["created_at"].dt.date >= week.start) & (posts["created_at"].dt.date <= week.end)
    ]
    iberia = sum("Iberia" in b for b in in_week["brands"])
    assert int(sov_week[sov_week["brand"] == "Iberia"]["mentions"].sum()) == iberia

    changes = namespace["changes"]
    assert set(changes["measure"]) == {"volume", "share", "net", "complaint", "wish"}
    volume = changes[(changes["brand"] == "Iberia") & (changes["measure"] == "volume")]
    assert int(volume["n_after"].sum()) == iberia
    assert not (changes["too_few"] & changes["significant"]).any()

    trending = namespace["trending"]
    assert set(trending["kind"]) <= {"terms", "hashtags", "emoji", "authors", "themes"}
    assert (trending["chosen"] >= 3).all()
    assert {"label", "size", "net"} <= set(namespace["complaints"].columns)
    ideas, alerts = namespace["ideas"], namespace["alerts"]
    assert f"{len(ideas)} ideas, {len(alerts)} alerts" in printed


def test_compare_without_a_period_is_one_clear_error(folder: Path, monkeypatch) -> None:
    import escucha
    from escucha.errors import UserError

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    ws = escucha.open_workspace(folder / "airlines")
    with pytest.raises(UserError, match="choose a period"):
        ws.compare(None)
    with pytest.raises(UserError, match="compare: 'last' is not a range"):
        ws.compare("30d", "last")
