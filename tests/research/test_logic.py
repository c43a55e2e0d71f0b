"""A definition run against answers: display logic, skip to end, constraints, filters, piping."""

from __future__ import annotations

import datetime as dt

import pytest

from escucha.research.logic import Logic
from escucha.research.xlsform_in import read_xlsform

from .forms import every_kind

TODAY = dt.date(2026, 11, 30)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def logic(tmp_path):
    return Logic(read_xlsform(every_kind(tmp_path / "f.xlsx")).definition, today=TODAY)


def test_display_logic_and_calculations_follow_the_answers(logic):
    walk = logic.walk({"consent": True, "customer": "yes", "age": 30})
    assert walk.shown == ["consent", "customer", "uses", "satisfied", "recommend", "grid", "age",
                          "spend", "since", "name", "story", "thanks"]  # fmt: skip
    assert walk.values["adult"] == "yes" and walk.ended_at is None
    young = logic.walk({"consent": True, "customer": "yes", "age": 12})
    assert "spend" not in young.shown and young.values["adult"] == "no"
    # the matrix (a group with display logic) is hidden for a non-customer... who ends the survey
    walk = logic.walk({"consent": True, "customer": "no", "age": 30})
    assert walk.shown == ["consent", "customer"] and walk.ended_at == "customer"


def test_an_answer_to_a_hidden_question_does_not_count(logic):
    walk = logic.walk({"customer": "yes", "age": 12, "spend": 50.0})
    assert "spend" not in walk.values


def test_answers_are_checked_against_kind_choices_and_constraint(logic):
    values = {"customer": "yes"}
    assert logic.problem("age", 130, values) == "the answer does not meet the question's constraint"
    assert logic.problem("age", 30, values) is None
    assert logic.problem("age", "30", values) == "not a whole number"
    assert logic.problem("customer", None, values) == "an answer is required"
    assert logic.problem("customer", "maybe", values) == "not one of the choices"
    assert logic.problem("uses", ["yes", "other"], values) is None  # or_other
    assert logic.problem("uses", ["yes", "yes"], values) == "not a set of the choices"
    assert logic.problem("recommend", "10", values) is None
    assert logic.problem("grid", {"grid_price": "3", "grid_service": "1"}, values) is None
    assert logic.problem("grid", {"grid_price": "9"}, values) == "not a choice per row"
    assert logic.problem("since", "2030-01-01", values) == (
        "the answer does not meet the question's constraint")  # fmt: skip
    assert logic.problem("since", "2020-02-30", values) == "not a date (YYYY-MM-DD)"
    assert logic.problem("consent", False, values) == "the agreement must be accepted"
    assert logic.problem("story", "x" * 2001, values) == (
        "the answer does not meet the question's constraint")  # fmt: skip
    assert logic.problem("thanks", "hi", values) == "this question takes no answer"


def test_labels_pipe_earlier_answers_in_the_respondents_language(logic):
    assert logic.label("thanks", "es", {"name": "Lucía"}) == "Gracias Lucía"
    assert logic.label("thanks", "en", {"name": "Lucía"}) == "Thanks Lucía"
    assert logic.label("thanks", "fr", {}) == "Thanks "  # the default language, nothing piped


def test_choice_filters_keep_the_matching_choices(tmp_path):
    from pathlib import Path

    form = Path(__file__).parent / "fixtures" / "pyxform" / "choice_filter_test.xlsx"
    logic = Logic(read_xlsform(form).definition)
    assert [c.name for c in logic.choices("county", {"state": "texas"})] == ["cameron"]
    assert [c.name for c in logic.choices("county", {"state": "washington"})] == ["king", "pierce"]
    assert logic.problem("county", "king", {"state": "texas"}) == "not one of the choices"
