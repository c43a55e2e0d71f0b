"""The guard's measured quality on the annotated drafts stays at what docs/guard.md reports.

The held-out half was scored only after the rules were written; the "fresh" sets were written
after later rounds of rules, fresh3 and fresh4 (their own files) without looking at the rules
(docs/guard.md tells the story). A change that lowers a number fails here; a change that
raises one should update docs/guard.md and these floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escucha.engage.guard import CONNECTIONS, check, load_lists
from escucha.engage.scoring import score

DATA = Path(__file__).parent / "data"
FIRST = DATA / "guard_drafts.jsonl"  # dev, heldout, fresh, fresh2
ROWS = [json.loads(line) for line in FIRST.read_text(encoding="utf-8").splitlines()]
ALL_ROWS = [
    json.loads(line)
    for path in sorted(DATA.glob("guard_*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
]

# split -> (F1 undisclosed_connection, F1 hard_sell, clean drafts flagged at most), all languages
REPORTED = {
    "dev": (1.0, 1.0, 0.0),
    "heldout": (1.0, 1.0, 0.0),
    "fresh": (1.0, 1.0, 0.0),
    "fresh2": (1.0, 1.0, 0.0),
    "fresh3": (0.993, 1.0, 0.008),
    "fresh4": (0.992, 1.0, 0.010),  # first score: 0.976, 1.0, 0.029
}


def test_the_annotated_set_covers_what_docs_promise():
    assert len(ROWS) >= 300
    assert {r["lang"] for r in ROWS} == {"es", "en"}
    assert {r["connection"] for r in ROWS} == set(CONNECTIONS)
    assert {"sale", "soft", "conv", "survey", "tester", "endorse"} <= {r["kind"] for r in ROWS}
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    halves = [r for r in ROWS if r["split"] in ("dev", "heldout")]
    dev = sum(r["split"] == "dev" for r in halves)
    assert abs(2 * dev - len(halves)) <= 2  # 50/50
    # no text group is split across the halves
    groups = {}
    for r in halves:
        groups.setdefault(r["group"], set()).add(r["split"])
    assert all(len(s) == 1 for s in groups.values())


def test_the_fresh_batches_cover_what_docs_promise():
    for split, at_least in (("fresh3", 200), ("fresh4", 150)):
        rows = [r for r in ALL_ROWS if r["split"] == split]
        assert len(rows) >= at_least
        assert {r["lang"] for r in rows} == {"es", "en"}
        assert {r["connection"] for r in rows} == set(CONNECTIONS)
        assert {"sale", "survey", "tester", "endorse", "complaint", "question"} <= {
            r["kind"] for r in rows
        }
        for flag in ("undisclosed_connection", "hard_sell"):
            assert any(flag in r["expected"] for r in rows)
    assert len({r["id"] for r in ALL_ROWS}) == len(ALL_ROWS)


@pytest.mark.parametrize("split", sorted(REPORTED))
def test_measured_numbers_hold(split):
    rows = [r for r in ALL_ROWS if r["split"] == split]
    assert rows
    lists = load_lists()
    flags, clean = score(
        rows,
        lambda r: (
            check(
                r["text"], brand=r["brand"], connection=r["connection"], lang=r["lang"], lists=lists
            ).flag_names
        ),
    )
    f1 = {s.flag: s.f1 for s in flags if s.lang == "all"}
    (overall,) = [c for c in clean if c.lang == "all"]
    undisclosed, hard_sell, clean_max = REPORTED[split]
    assert f1["undisclosed_connection"] >= undisclosed - 1e-3
    assert f1["hard_sell"] >= hard_sell - 1e-3
    assert overall.rate <= clean_max + 1e-3
