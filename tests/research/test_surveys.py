"""Surveys in the store (SQLite and PostgreSQL), versions, and the `escucha surveys` contract."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
import sqlalchemy as sa

from escucha.cli import main
from escucha.errors import Conflict, NotFound, UserError
from escucha.research.definition import Definition, Kind, Language, Question
from escucha.research.surveys import (
    create_survey,
    edit_survey,
    export_survey,
    get_survey,
    import_xlsform,
    list_surveys,
    set_status,
)
from escucha.research.xlsform_in import read_xlsform

from .forms import HEADER, every_kind, xlsform

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _definition(label: str = "How old are you?") -> Definition:
    return Definition(
        name="short",
        title="Short",
        languages=(Language("en", "English"),),
        children=(Question("age", Kind.INTEGER, label={"en": label}, constraint=". >= 0"),),
    )


def test_store_and_read_a_survey(workspace, tmp_path):
    survey = create_survey(workspace, _definition())
    assert (survey.status, survey.version, survey.name) == ("draft", 1, "short")
    again = workspace.survey(survey.id)  # the Python API
    assert again.definition == _definition() and again.version == 1
    full = import_xlsform(workspace, every_kind(tmp_path / "f.xlsx")).survey
    assert workspace.survey(full.id).definition == read_xlsform(tmp_path / "f.xlsx").definition
    assert [s.id for s in list_surveys(workspace)] == [survey.id, full.id]
    with pytest.raises(NotFound, match="no survey 999"):
        get_survey(workspace, 999)


def test_editing_a_live_survey_creates_a_new_version(workspace):
    survey = create_survey(workspace, _definition())
    edited = edit_survey(workspace, survey.id, _definition("Age?"))
    assert edited.version == 1  # a draft is edited in place: nobody answered it
    set_status(workspace, survey.id, "live")
    live = edit_survey(workspace, survey.id, _definition("Your age?"))
    assert (live.version, live.status) == (2, "live")
    assert get_survey(workspace, survey.id, version=1).definition == _definition("Age?")
    assert workspace.survey(survey.id).definition == _definition("Your age?")
    with workspace.engine.connect() as conn:
        versions = conn.execute(sa.text(
            "SELECT version FROM survey_versions WHERE survey_id = :i ORDER BY version"),
            {"i": survey.id}).scalars().all()  # fmt: skip
    assert versions == [1, 2]
    set_status(workspace, survey.id, "closed")
    with pytest.raises(Conflict, match="is closed"):
        edit_survey(workspace, survey.id, _definition())
    with pytest.raises(Conflict, match="closed: it cannot become live"):
        set_status(workspace, survey.id, "live")


def test_a_definition_with_broken_logic_is_not_stored(sqlite_workspace):
    bad = _definition()
    broken = replace(bad, children=(replace(bad.children[0], relevant="${nobody} = 1"),))
    with pytest.raises(UserError, match="refers to unknown"):
        create_survey(sqlite_workspace, broken)
    assert list_surveys(sqlite_workspace) == []


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli(sqlite_workspace, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["-w", str(sqlite_workspace.path), *args])
        except SystemExit as done:
            code = done.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_import_json_contract_and_export_round_trip(cli, tmp_path):
    rows = [
        HEADER,
        ["text", "a", "A", "A"],
        ["geopoint", "g", "G", "G"],
        ["integer", "b", "B", "B"],
    ]
    form = xlsform(tmp_path / "f.xlsx", rows)
    code, out, _ = cli("surveys", "import", str(form), "--json")
    result = json.loads(out)
    assert code == 0 and set(result) == {"survey_id", "questions", "languages", "rejected"}
    assert (result["questions"], result["languages"]) == (2, ["en", "es"])
    assert result["rejected"] == [{"sheet": "survey", "row": 3,
        "reason": "location (geopoint) questions ('geopoint') are not supported"}]  # fmt: skip
    out_file = tmp_path / "out.xlsx"
    code, out, _ = cli("surveys", "export", str(result["survey_id"]), "--format", "xlsform",
                       "--out", str(out_file))  # fmt: skip
    assert code == 0 and out_file.is_file()
    code, out, _ = cli("surveys", "import", str(out_file), "--json")
    again = json.loads(out)
    assert again["rejected"] == [] and again["survey_id"] != result["survey_id"]
    code, out, _ = cli("surveys", "list", "--json")
    assert [s["questions"] for s in json.loads(out)["surveys"]] == [2, 2]


def test_import_into_a_live_survey_makes_a_version(cli, tmp_path):
    form = every_kind(tmp_path / "f.xlsx")
    survey_id = json.loads(cli("surveys", "import", str(form), "--json")[1])["survey_id"]
    assert cli("surveys", "status", str(survey_id), "live")[0] == 0
    code, out, _ = cli("surveys", "import", str(form), "--into", str(survey_id))
    assert code == 0 and f"encuesta {survey_id} (versión 2)" in out  # the workspace speaks es


def test_bad_forms_and_formats_exit_1_with_one_line(cli, tmp_path):
    dup = xlsform(tmp_path / "dup.xlsx", [HEADER, ["text", "a", "A"], ["text", "a", "A"]])
    code, out, err = cli("surveys", "import", str(dup), "--json")
    assert code == 1 and out == ""
    assert err == "escucha: error: dup.xlsx: survey row 3: the name 'a' is already used on row 2\n"
    code, _, err = cli("surveys", "import", str(tmp_path / "none.xlsx"))
    assert code == 1 and err.count("\n") == 1 and "no such file" in err
    form = xlsform(tmp_path / "f.xlsx", [HEADER, ["text", "a", "A"]])
    survey_id = json.loads(cli("surveys", "import", str(form), "--json")[1])["survey_id"]
    for fmt in ("csv", "sav", "parquet"):  # no responses yet: the columns, no rows
        code, _, err = cli("surveys", "export", str(survey_id), "--format", fmt, "--out",
                           str(tmp_path / f"r.{fmt}"))  # fmt: skip
        assert code == 0, err
    assert (tmp_path / "r.csv").read_text().splitlines() == [
        "id,source,lang,ua_class,status,started_at,submitted_at,total_seconds,version,flags,a"
    ]
    code, _, err = cli("surveys", "export", str(survey_id), "--format", "csv", "--out",
                       str(tmp_path / "missing" / "r.csv"))  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "cannot write" in err
    code, _, err = cli("surveys", "export", str(survey_id), "--format", "pdf", "--out", "x")
    assert code == 1 and "expected one of xlsform, csv, sav, parquet" in err
    code, _, err = cli("surveys", "export", "abc", "--out", "x")
    assert code == 1 and "'abc' is not a survey id" in err


def test_surveys_help_lists_the_commands(cli):
    code, out, _ = cli("surveys", "--help")
    assert code == 0
    for command in ("import", "export", "list", "status", "estimate", "rake"):
        assert command in out


def test_export_refuses_unknown_survey(sqlite_workspace, tmp_path):
    with pytest.raises(NotFound):
        export_survey(sqlite_workspace, 42, "xlsform", tmp_path / "x.xlsx")


def test_surveys_help_imports_no_xlsform_library():
    code = (
        "import sys\nfrom escucha.cli import main\ntry:\n    main(['surveys', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pyxform', 'openpyxl', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
