"""Phase questionnaires: a phase answered through a survey; the report gives each phase's
ratings and NPS with their sample sizes, from the testers' complete responses only."""

from __future__ import annotations

import pytest

from escucha.errors import NotFound, UserError
from escucha.panels.define import create_panel
from escucha.panels.invite import invite
from escucha.panels.page import render_report
from escucha.panels.phases import link_survey, phase_results
from escucha.panels.recruit import recruit
from escucha.panels.results import panel_results
from escucha.research.definition import Choice, Definition, Kind, Language, Question
from escucha.research.links import create_personal_link, create_public_link
from escucha.research.responses import Paradata, save_page, start_response
from escucha.research.surveys import create_survey, set_status

from .helpers import crowd, people

SCALE = tuple(Choice(str(i), {"en": str(i)}) for i in range(1, 6))
NPS = tuple(Choice(str(i), {"en": str(i)}) for i in range(11))
WEEK_1 = Definition(
    name="week1",
    title="Week 1",
    languages=(Language("en", "English"),),
    default_language="en",
    children=(
        Question("grip", Kind.RATING, {"en": "How is the grip?"}, choices=SCALE),
        Question("recommend", Kind.NPS, {"en": "Would you recommend it?"}, choices=NPS),
    ),
)


def _answer(ws, token: str, grip: str, recommend: str) -> None:
    started = start_response(ws, token, Paradata(address="198.51.100.7"), salt=b"s" * 32)
    save_page(ws, started.resume_token, 0, {"grip": [grip], "recommend": [recommend]}, seconds=5)


def test_ratings_and_nps_per_phase_count_only_the_testers(workspace, tmp_path):
    people(workspace, tmp_path, crowd(3))
    panel = create_panel(workspace, "Botella", "all", 2, seed=1, phases=["unboxing", "week 1"])
    testers = recruit(workspace, panel["id"])["selected"]
    invite(workspace, panel["id"])
    survey = create_survey(workspace, WEEK_1)
    set_status(workspace, survey.id, "live")
    link_survey(workspace, panel["id"], 2, survey.id)
    for contact, (grip, recommend) in zip(testers, (("5", "10"), ("2", "3")), strict=True):
        with workspace.engine.begin() as conn:
            link = create_personal_link(workspace, conn, survey.id, contact)
        _answer(workspace, link.token, grip, recommend)
    _answer(workspace, create_public_link(workspace, survey.id).token, "1", "0")  # not a tester
    unboxing, week = phase_results(workspace, panel["id"])
    assert unboxing["survey_id"] is None and unboxing["responses"] == 0
    assert week["responses"] == 2
    assert week["ratings"] == [
        {"question": "grip", "label": "How is the grip?", "n": 2, "mean": 3.5}
    ]
    assert week["nps"][0]["n"] == 2 and week["nps"][0]["score"] == pytest.approx(0.0)
    html = render_report(panel_results(workspace, panel["id"]), "en")
    assert "How is the grip?" in html and "3.50" in html and "(NPS)" in html


def test_linking_a_phase_refuses_bad_input(workspace, tmp_path):
    panel = create_panel(workspace, "B", "all", 2, seed=1, phases=["unboxing"])
    with pytest.raises(UserError, match="phase 3"):
        link_survey(workspace, panel["id"], 3, 1)
    with pytest.raises(NotFound):
        link_survey(workspace, panel["id"], 1, 99)
