"""Honest analysis (AAPOR): frequencies, means, NPS with its parts, crosstabs, modelled
intervals, open answers read by the posts' models; and the attention check's XLSForm column."""

from __future__ import annotations

import numpy as np
import pytest

from escucha.errors import UserError
from escucha.research.analysis import analyze, crosstab
from escucha.research.definition import Kind, Question
from escucha.research.quality import Exclusion, flag, select
from escucha.research.xlsform_in import read_xlsform
from escucha.research.xlsform_out import write_xlsform
from escucha.understand.reader import load_reader

from .responses import DEFINITION, frame, response

NONE = Exclusion("every flag", 0, {})


def _question(result, name):
    return next(q for q in result["questions"] if q["name"] == name)


def test_frequencies_means_and_nps_with_its_parts():
    # recommend: 10, 9, 8, 7, 3 -> 2 promoters, 2 passives, 1 detractor
    rows = [response(i, recommend=r, age=a, region=g) for i, (r, a, g) in enumerate(
        [("10", 20, "north"), ("9", 30, "north"), ("8", 40, "south"), ("7", 50, "south"),
         ("3", 60, "south")], start=1)]  # fmt: skip
    result = analyze(DEFINITION, frame(rows), NONE, draws=50)
    nps = _question(result, "recommend")["nps"]
    assert (nps["promoters"], nps["passives"], nps["detractors"]) == (0.4, 0.4, 0.2)
    assert nps["score"] == pytest.approx(20.0)
    assert _question(result, "age")["mean"]["mean"] == 40
    region = {f["choice"]: f for f in _question(result, "region")["frequencies"]}
    assert (region["north"]["count"], region["north"]["share"]) == (2, 0.4)
    uses = {f["choice"]: f["share"] for f in _question(result, "uses")["frequencies"]}
    assert uses == {"app": 0.8, "web": 0.2, "shop": 0.2}  # shares of respondents: sum > 1
    grid = _question(result, "grid")["rows"]
    assert [r["name"] for r in grid] == ["g1", "g2", "g3", "g4", "g5"]
    weighted = analyze(DEFINITION, frame(rows), NONE, weights=np.array([3, 1, 1, 1, 1.0]))
    assert _question(weighted, "age")["mean"]["mean"] == pytest.approx((60 + 30 + 40 + 50 + 60) / 7)
    assert _question(weighted, "recommend")["nps"]["promoters"] == pytest.approx(4 / 7)


def test_no_margin_of_error_only_labelled_modelled_intervals():
    rows = [response(i) for i in range(1, 61)]
    result = analyze(DEFINITION, frame(rows), Exclusion("every flag", 2, {"honeypot": 2}))
    assert result["margin_of_error"] is None and result["sample"]["kind"] == "opt-in"
    assert "self-selected (opt-in) sample of 60 respondents" in result["statement"]
    assert "not a margin of sampling error" in result["interval"]
    assert result["excluded"] == {"rule": "every flag", "excluded": 2, "by_flag": {"honeypot": 2}}
    assert result["sample"]["responses"] == 62
    share = _question(result, "region")["frequencies"][0]
    low, high = share["modelled_interval"]
    assert low < share["share"] < high and low > 0 and high < 1
    again = analyze(DEFINITION, frame(rows), NONE)
    assert _question(again, "region")["frequencies"][0]["modelled_interval"] == [low, high]
    mean = _question(result, "age")["mean"]
    assert mean["modelled_interval"][0] < mean["mean"] < mean["modelled_interval"][1]


def test_only_complete_responses_are_analysed():
    rows = [response(1), response(2, status="in_progress"), response(3, status="quota_full")]
    result = analyze(DEFINITION, frame(rows), NONE)
    assert result["sample"]["analysed"] == 1


def test_open_answers_are_read_as_wishes_and_complaints():
    stories = ["Me encantaría que abrieran los domingos por la tarde",
               "Ojalá tuvieran más opciones veganas en el menú",
               "Llevo tres semanas esperando el reembolso y nadie me responde, es una vergüenza",
               "Fatal, me cancelaron el vuelo sin avisar",
               "Todo bien"]  # fmt: skip
    rows = [response(i, story=s, lang="es") for i, s in enumerate(stories, start=1)]
    reader = load_reader(["es", "en"])
    result = analyze(DEFINITION, frame(rows), NONE, reader=reader.read)
    found = _question(result, "story")["open"]
    readings = reader.read(stories)
    assert found["answers"] == 5
    assert found["wishes"]["count"] == sum("wish" in r.intent_labels for r in readings) >= 1
    assert found["complaints"]["count"] == sum("complaint" in r.intent_labels for r in readings)
    assert found["complaints"]["count"] >= 1


def test_crosstab_gives_column_shares():
    rows = [response(1, region="north", hear_back="yes"), response(2, region="north",
            hear_back="no"), response(3, region="south", hear_back="yes")]  # fmt: skip
    table = crosstab(DEFINITION, frame(rows), "region", "hear_back")
    cells = {(c["region"], c["hear_back"]): c["column_share"] for c in table["cells"]}
    assert cells[("north", "yes")] == 0.5 and cells[("south", "yes")] == 0.5
    assert cells[("north", "no")] == 1.0 and cells[("south", "no")] == 0.0
    with pytest.raises(UserError, match="'uses' is a multiple question"):
        crosstab(DEFINITION, frame(rows), "uses", "region")


def test_flag_then_select_then_analyse_states_the_exclusions():
    rows = [response(i) for i in range(1, 10)] + [response(10, check="5")]
    kept, why = select(flag(DEFINITION, frame(rows)))
    result = analyze(DEFINITION, kept, why)
    assert result["excluded"]["by_flag"] == {"attention_failed": 1}
    assert result["sample"] == {"kind": "opt-in", "responses": 10, "analysed": 9,
                                "weighted": False}  # fmt: skip
    assert _question(result, "check").get("attention_check") is True


def test_attention_answer_round_trips_through_xlsform(tmp_path):
    path = write_xlsform(DEFINITION, tmp_path / "club.xlsx")
    again = read_xlsform(path).definition
    assert again.question("check").attention_answer == "2"
    assert again.question("region").attention_answer is None
    assert Question("q", Kind.TEXT).attention_answer is None
