"""XLSForm in and out: pyxform's example forms, the round trip, and bad forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from escucha.errors import UserError
from escucha.research.definition import Group, Kind
from escucha.research.xlsform_in import read_xlsform
from escucha.research.xlsform_out import write_xlsform

from .forms import CHOICES, HEADER, every_kind, xlsform

PYXFORM = Path(__file__).parent / "fixtures" / "pyxform"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on pyxform's files


def _rejected(reading):
    return {(r.sheet, r.row): r.reason for r in reading.rejected}


def test_every_kind_is_read_with_its_logic_and_languages(tmp_path):
    reading = read_xlsform(every_kind(tmp_path / "f.xlsx"))
    d = reading.definition
    assert reading.rejected == ()
    assert (d.name, d.title, d.version, d.default_language) == (
        "every_kind",
        "Every kind",
        "3",
        "en",
    )
    assert [(lang.code, lang.name) for lang in d.languages] == [
        ("en", "English"),
        ("es", "Español"),
    ]
    kinds = {q.name: q.kind for q in d.questions()}
    assert kinds == {
        "consent": Kind.CONSENT, "customer": Kind.SINGLE, "uses": Kind.MULTIPLE,
        "satisfied": Kind.RATING, "recommend": Kind.NPS, "grid": Kind.MATRIX, "age": Kind.INTEGER,
        "spend": Kind.DECIMAL, "since": Kind.DATE, "name": Kind.TEXT, "story": Kind.LONG_TEXT,
        "adult": Kind.CALCULATE, "thanks": Kind.NOTE,
    }  # fmt: skip
    customer = d.question("customer")
    assert customer.required and customer.randomize and customer.end_if == "${customer}='no'"
    assert [c.name for c in customer.choices] == ["yes", "no"]
    assert customer.choices[0].label == {"en": "Yes", "es": "Sí"}
    assert d.question("uses").other
    grid = d.question("grid")
    assert [r.name for r in grid.rows] == ["grid_price", "grid_service"]
    assert grid.relevant == "${customer}='yes'" and [c.name for c in grid.choices] == [
        "1",
        "2",
        "3",
    ]
    assert d.question("age").constraint == ". >= 0 and . <= 120"
    consent = d.question("consent")
    assert consent.required and consent.consent_version
    assert consent.consent_version != d.question("consent").__class__(
        name="c", kind=Kind.CONSENT, label={"en": "I agree!"}).consent_version  # fmt: skip
    assert isinstance(next(e for e in d.children if e.name == "about"), Group)


def _round_trip(path: Path, tmp_path: Path) -> None:
    first = read_xlsform(path).definition
    out = write_xlsform(first, tmp_path / f"{path.stem}-out.xlsx")
    again = read_xlsform(out)
    assert again.rejected == ()  # what the first import kept, the export writes completely
    assert again.definition == first


@pytest.mark.parametrize(
    "name",
    ["table-list.xls", "or_other.xlsx", "choice_filter_test.xlsx", "xlsform_spec_test.xlsx",
     "widgets.xls", "calculate.xls", "yes_or_no_question.xlsx"],
)  # fmt: skip
def test_import_export_import_gives_the_same_definition(name, tmp_path):
    _round_trip(PYXFORM / name, tmp_path)


def test_round_trip_of_every_kind(tmp_path):
    _round_trip(every_kind(tmp_path / "f.xlsx"), tmp_path)


def test_pyxform_spec_form_rejections_name_sheet_row_and_reason():
    reading = read_xlsform(PYXFORM / "xlsform_spec_test.xlsx")
    rejected = {(r.sheet, r.row, r.reason) for r in reading.rejected}
    assert {
        ("survey", 15, "repeats are not supported"),
        ("survey", 15, "column 'repeat_count' is not imported"),
        ("survey", 16, "inside the repeat 'repeat_test' that begins on row 15"),
        ("survey", 34, "location (geopoint) questions ('geopoint') are not supported"),
        ("survey", 42, "metadata field 'start': escucha records its own paradata"),
        ("survey", 43, "label pipes ${start}, which was rejected (row 42)"),
        ("survey", 9, "column 'image' is not imported (2 rows)"),
        ("settings", 2, "setting 'public_key' is not imported"),
    } <= rejected
    assert any(r[1] == 7 and "unknown function regex()" in r[2] for r in rejected)
    assert {lang.code for lang in reading.definition.languages} == {"und", "english", "chinese"}
    # nothing is dropped silently: every survey row is imported or rejected
    kept = {q.name for q in reading.definition.elements()}
    assert "repeat_test" not in kept and "geopoint" not in kept and "email" not in kept


def test_a_form_made_only_of_a_repeat_is_not_imported():
    with pytest.raises(UserError, match=r"tutorial.xls: no question escucha can import "
                       r"\(first: survey row 2: repeats are not supported\)"):  # fmt: skip
        read_xlsform(PYXFORM / "tutorial.xls")


def test_duplicate_choices_are_rejected_rows():
    reading = read_xlsform(PYXFORM / "choice_filter_test.xlsx")
    assert _rejected(reading)[("choices", 6)] == "choice 'king' is twice in list 'counties'"
    assert reading.definition.question("county").choice_filter == "${state}=cf"


# --- bad forms ----------------------------------------------------------------------------


def _form(tmp_path: Path, *rows: list, choices: list[list] | None = None) -> Path:
    return xlsform(tmp_path / "bad.xlsx", [HEADER, *rows], choices or CHOICES)


def _row(kind: str, name: str, relevant: str = "", constraint: str = "") -> list:
    return [kind, name, name.title(), name.title(), relevant, constraint]


def test_unknown_and_unsupported_types_are_rejected_rows(tmp_path):
    path = _form(tmp_path, _row("text", "a"), _row("teleport", "b"), _row("geopoint", "c"),
                 _row("select_one_from_file f.csv", "d"), _row("integer", "e"))  # fmt: skip
    reading = read_xlsform(path)
    assert _rejected(reading) == {
        ("survey", 3): "unknown question type 'teleport'",
        ("survey", 4): "location (geopoint) questions ('geopoint') are not supported",
        ("survey", 5): "external choice lists ('select one from file f.csv') are not supported",
    }
    assert [q.name for q in reading.definition.questions()] == ["a", "e"]


def test_broken_expressions_and_unknown_names_are_rejected_with_what_follows(tmp_path):
    path = _form(tmp_path, _row("integer", "a", constraint=". >= 0 and"),
                 _row("text", "b", relevant="${a} > 1"), _row("text", "c", relevant="${nope} = 1"),
                 _row("text", "d"))  # fmt: skip
    rejected = _rejected(read_xlsform(path))
    assert rejected[("survey", 2)] == "constraint '. >= 0 and': the expression ends too early"
    assert (
        rejected[("survey", 3)] == "relevant '${a} > 1' refers to ${a}, which was rejected (row 2)"
    )
    assert rejected[("survey", 4)] == "relevant '${nope} = 1' refers to unknown ${nope}"
    assert ("survey", 5) not in rejected


def test_missing_choice_list_rejects_the_row(tmp_path):
    path = _form(tmp_path, _row("select_one colours", "a"), _row("select_one yn", "b"))
    reading = read_xlsform(path)
    assert _rejected(reading) == {
        ("survey", 2): "choice list 'colours' is not on the choices sheet"
    }
    assert [q.name for q in reading.definition.questions()] == ["b"]


def test_cyclic_relevant_is_not_imported(tmp_path):
    path = _form(tmp_path, _row("text", "a", relevant="${c} = 'x'"),
                 _row("text", "b", relevant="${a} = 'x'"),
                 _row("text", "c", relevant="${b} = 'y'"))  # fmt: skip
    with pytest.raises(UserError, match=r"bad.xlsx: survey row \d: display logic or calculations "
                       r"go round a circle: (\w) -> \w -> \w -> \1$"):  # fmt: skip
        read_xlsform(path)


def test_a_group_whose_relevance_needs_its_own_question_is_a_cycle(tmp_path):
    path = _form(tmp_path, ["begin_group", "g", "G", "G", "${inside} = 'x'"],
                 _row("text", "inside"), ["end_group"])  # fmt: skip
    with pytest.raises(UserError, match="go round a circle"):
        read_xlsform(path)


def test_duplicate_names_are_not_imported(tmp_path):
    path = _form(tmp_path, _row("text", "a"), _row("integer", "b"), _row("text", "a"))
    with pytest.raises(
        UserError, match=r"bad\.xlsx: survey row 4: the name 'a' is already used on row 2"
    ):
        read_xlsform(path)


def test_no_survey_sheet_unclosed_group_and_unreadable_files(tmp_path):
    only_choices = xlsform(tmp_path / "c.xlsx", [["list_name"]], None)
    with pytest.raises(UserError, match=r"c\.xlsx: no 'survey' sheet"):
        read_xlsform(only_choices)
    with pytest.raises(UserError, match="never ends"):
        read_xlsform(_form(tmp_path, ["begin_group", "g", "G", "G"], _row("text", "a")))
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"not a workbook")
    with pytest.raises(UserError, match=r"x\.xlsx: cannot read the form"):
        read_xlsform(garbage)
    with pytest.raises(UserError, match="no such file"):
        read_xlsform(tmp_path / "missing.xlsx")


def test_ten_languages(tmp_path):
    codes = ["es", "en", "fr", "de", "it", "pt", "ca", "eu", "gl", "nl"]
    header = ["type", "name", *[f"label::Lang{c} ({c})" for c in codes]]
    survey = [header, ["text", "q1", *[f"q1 {c}" for c in codes]],
              ["select_one yn", "q2", *[f"q2 {c}" for c in codes]]]  # fmt: skip
    choices = [["list_name", "name", *[f"label::Lang{c} ({c})" for c in codes]],
               ["yn", "yes", *[f"yes {c}" for c in codes]]]  # fmt: skip
    path = xlsform(tmp_path / "ten.xlsx", survey, choices)
    reading = read_xlsform(path)
    assert sorted(lang.code for lang in reading.definition.languages) == sorted(codes)
    assert reading.definition.question("q2").choices[0].label["eu"] == "yes eu"
    _round_trip(path, tmp_path)


def test_two_thousand_questions(tmp_path):
    rows = [HEADER]
    for i in range(2000):
        relevant = f"${{q{i - 1}}} != 'no'" if i % 2 else ""
        rows.append(
            ["select_one yn" if i % 2 == 0 else "integer", f"q{i}", f"Q{i}", f"P{i}", relevant]
        )
    path = xlsform(tmp_path / "big.xlsx", rows, CHOICES)
    reading = read_xlsform(path)
    assert reading.rejected == ()
    assert sum(1 for _ in reading.definition.questions()) == 2000
    _round_trip(path, tmp_path)


def test_range_becomes_rating_or_nps_with_tick_labels(tmp_path):
    header = ["type", "name", "label", "parameters"]
    ticks = "start=1 end=5 step=1 tick_labelset=ticks tick_interval=1"
    survey = [header, ["range", "r", "R", ticks],
              ["range", "n", "N", "start=0 end=10"], ["range", "big", "B", "start=0 end=100"],
              ["range", "half", "H", "start=1 end=3 step=0.5"]]  # fmt: skip
    choices = [["list_name", "name", "label"], ["ticks", "1", "Bad"], ["ticks", "5", "Good"]]
    reading = read_xlsform(xlsform(tmp_path / "r.xlsx", survey, choices))
    rating = reading.definition.question("r")
    assert rating.kind is Kind.RATING
    assert [(c.name, c.label["und"]) for c in rating.choices] == [
        ("1", "Bad"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "Good")]  # fmt: skip
    assert reading.definition.question("n").kind is Kind.NPS
    assert _rejected(reading) == {
        ("survey", 2): "range parameter 'tick_interval' is not imported",
        ("survey", 4): "a range other than 2 to 11 whole points is not supported",
        ("survey", 5): "a range other than 2 to 11 whole points is not supported",
    }
    _round_trip(tmp_path / "r.xlsx", tmp_path)  # exported as likert selects, read back the same


def test_rows_without_label_or_with_external_choices_are_rejected(tmp_path):
    path = _form(tmp_path, ["text", "nolabel"], _row("text", "ok"),
                 ["select_one yn", "s", "S", "S", "", "", "", "search('file')"])  # fmt: skip
    assert _rejected(read_xlsform(path)) == {
        ("survey", 2): "the question has no label",
        ("survey", 4): "search() appearances (choices from an external file) are not supported",
    }


def test_group_columns_escucha_does_not_keep_are_reported(tmp_path):
    path = _form(tmp_path, ["begin_group", "g", "G", "G", "", ". > 1", "yes"], _row("text", "a"),
                 ["end_group"])  # fmt: skip
    reading = read_xlsform(path)
    assert {(r.row, r.reason) for r in reading.rejected} == {
        (2, "column 'constraint' on a group is not imported"),
        (2, "column 'required' on a group is not imported"),
    }
    assert [e.name for e in reading.definition.elements()] == ["g", "a"]


def test_an_other_answer_name_may_not_be_taken(tmp_path):
    path = _form(tmp_path, _row("select_one yn or_other", "q"), _row("text", "q_other"))
    with pytest.raises(UserError, match="the name 'q_other' is used twice"):
        read_xlsform(path)


def test_export_refuses_one_list_with_two_sets_of_choices(tmp_path):
    from dataclasses import replace

    definition = read_xlsform(_form(tmp_path, _row("select_one yn", "a"),
                                    _row("select_one agree", "b"))).definition  # fmt: skip
    a, b = definition.children
    clash = replace(definition, children=(a, replace(b, list_name="yn")))
    with pytest.raises(UserError, match="share the choice list 'yn' but not its choices"):
        write_xlsform(clash, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_what_the_first_page_says_goes_through_the_settings_sheet(tmp_path):
    """Who asks, why, how the answers are used (translated like labels) and the minutes it
    takes: import -> export -> import gives the same definition."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Español (es)"])
    survey.append(["integer", "age", "Your age", "Tu edad"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "default_language", "asker::English (en)",
                     "asker::Español (es)", "purpose::English (en)", "purpose::Español (es)",
                     "use::English (en)", "use::Español (es)", "minutes"])  # fmt: skip
    settings.append(["Flights", "English (en)", "The community team", "El equipo de comunidad",
                     "To improve our flights", "Para mejorar nuestros vuelos",
                     "Only in aggregate", "Solo de forma agregada", 4])  # fmt: skip
    book.save(tmp_path / "intro.xlsx")
    reading = read_xlsform(tmp_path / "intro.xlsx")
    first = reading.definition
    assert reading.rejected == ()
    assert first.asker == {"en": "The community team", "es": "El equipo de comunidad"}
    assert first.purpose == {"en": "To improve our flights", "es": "Para mejorar nuestros vuelos"}
    assert first.use == {"en": "Only in aggregate", "es": "Solo de forma agregada"}
    assert first.minutes == 4
    _round_trip(tmp_path / "intro.xlsx", tmp_path)
    # a bad number of minutes is a rejected settings row, never silently dropped
    settings["I2"] = "soon"
    book.save(tmp_path / "late.xlsx")
    late = read_xlsform(tmp_path / "late.xlsx")
    assert late.definition.minutes is None and late.definition.asker == first.asker
    assert [(r.sheet, r.row) for r in late.rejected] == [("settings", 2)]
    assert "minutes" in late.rejected[0].reason
