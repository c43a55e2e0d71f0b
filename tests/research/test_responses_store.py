"""A stored survey's responses: `escucha surveys responses|weight|analyze|export`
and `ws.survey(ID).responses()`, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from escucha.research.surveys import create_survey, set_status
from escucha.store.schema.community import contacts
from escucha.store.schema.research import survey_responses

from .helpers import run_cli
from .responses import DEFINITION, START, response

ANSWERS = [c for c in response(1) if c not in {
    "id", "source", "lang", "ua_class", "status", "started_at", "submitted_at",
    "total_seconds", "page_seconds", "contact_id", "fingerprint", "honeypot", "version",
}]  # fmt: skip


def _store(workspace, rows, *, contacts_for=()):
    """A live survey with these responses; contacts created for the ids in contacts_for."""
    survey = create_survey(workspace, DEFINITION)
    set_status(workspace, survey.id, "live")
    with workspace.engine.begin() as conn:
        for contact in contacts_for:
            conn.execute(contacts.insert().values(id=contact, created_at=START))
        for row in rows:
            conn.execute(
                survey_responses.insert().values(
                    id=row["id"], survey_id=survey.id, version=1, source=row["source"],
                    contact_id=row["contact_id"], lang=row["lang"], ua_class=row["ua_class"],
                    fingerprint=row["fingerprint"], status=row["status"],
                    page_seconds=row["page_seconds"], honeypot=row["honeypot"],
                    answers={k: row[k] for k in ANSWERS if row[k] is not None},
                    started_at=row["started_at"],
                    submitted_at=row["submitted_at"] if row["status"] == "complete" else None,
                )
            )  # fmt: skip
    return survey


def _rows():
    rows = [response(i) for i in range(1, 41)]
    rows[0] = response(1, honeypot=True)
    rows[1] = response(2, status="in_progress")
    return rows


def test_responses_json_lists_answers_and_flags(workspace, capsys):
    survey = _store(workspace, _rows())
    code, out, err = run_cli(capsys, "--workspace", str(workspace.path), "surveys",
                             "responses", str(survey.id), "--json")  # fmt: skip
    assert code == 0, err
    found = json.loads(out)["responses"]
    assert len(found) == 40
    first = found[0]
    assert set(first) >= {"id", "source", "submitted_at", "answers", "flags"}
    assert first["flags"] == ["honeypot"] and first["source"] == "mastodon"
    assert first["answers"]["uses"] == ["app"] and first["answers"]["g1"] == "3"
    assert found[1]["submitted_at"] is None and found[1]["flags"] == []
    assert dt.datetime.fromisoformat(found[2]["submitted_at"]) == response(3)["submitted_at"]


def _targets(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("variable,category,share\nregion,north,0.3\nregion,south,0.7\n")
    return path


def test_weight_rakes_the_kept_complete_responses(workspace, capsys, tmp_path):
    survey = _store(workspace, _rows())
    targets = str(_targets(tmp_path))
    code, out, err = run_cli(capsys, "--workspace", str(workspace.path), "surveys", "weight",
                             str(survey.id), "--targets", targets, "--json")  # fmt: skip
    assert code == 0, err
    found = json.loads(out)
    margins = {m["category"]: m for m in found["margins"]}
    assert margins["north"]["weighted"] == pytest.approx(0.3, abs=1e-9)
    assert margins["south"]["target"] == 0.7
    assert found["respondents"] == 38  # 40 - the unfinished one - the honeypot one
    assert found["excluded"] == {"rule": "every flag", "excluded": 1, "by_flag": {"honeypot": 1}}
    # 19 north, 19 south (ids 3..40): weights 0.3*38/19 and 0.7*38/19
    assert found["max_weight"] == pytest.approx(1.4)
    assert found["design_effect"] == pytest.approx(38 * (19 * 0.6**2 + 19 * 1.4**2) / 38**2)
    assert found["effective_sample_size"] == pytest.approx(38 / found["design_effect"])
    code, out, _ = run_cli(capsys, "--workspace", str(workspace.path), "surveys", "weight",
                           str(survey.id), "--targets", str(_targets(tmp_path)),
                           "--include-flagged", "--json")  # fmt: skip
    assert json.loads(out)["respondents"] == 39


def test_python_api_responses_with_flags_weights_and_paradata(workspace, tmp_path):
    survey = _store(workspace, _rows())
    frame = workspace.survey(survey.id).responses(targets=_targets(tmp_path))
    assert len(frame) == 40
    assert {"flags", "weight", "page_seconds", "ua_class", "fingerprint", "uses"} <= set(frame)
    by_id = frame.set_index("id")
    assert pd.isna(by_id.loc[1, "weight"]) and pd.isna(by_id.loc[2, "weight"])
    assert by_id.loc[3, "weight"] == pytest.approx(0.6)  # north: 0.3 * 38 / 19
    assert by_id.loc[4, "weight"] == pytest.approx(1.4)  # south: 0.7 * 38 / 19
    assert by_id.loc[3, "total_seconds"] == 300.0


def test_analyze_never_prints_a_margin_of_error(workspace, capsys, tmp_path):
    survey = _store(workspace, _rows())
    code, out, err = run_cli(capsys, "--workspace", str(workspace.path), "surveys", "analyze",
                             str(survey.id), "--targets", str(_targets(tmp_path)), "--no-open",
                             "--crosstab", "region,hear_back")  # fmt: skip
    assert code == 0, err
    assert "self-selected (opt-in) sample of 38 respondents" in out
    assert "1 flagged responses excluded: honeypot 1" in out
    assert "design effect" in out and "modelled" in out
    assert "margin of error" not in out.replace("no margin of sampling error", "")
    code, out, err = run_cli(capsys, "--workspace", str(workspace.path), "surveys", "analyze",
                             str(survey.id), "--no-open", "--lang", "es", "--json")  # fmt: skip
    found = json.loads(out)
    assert found["margin_of_error"] is None and found["weighting"] is None
    assert "muestra autoseleccionada" in found["statement"]


def test_export_csv_sav_parquet(workspace, capsys, tmp_path):
    import pyreadstat

    survey = _store(workspace, _rows())
    for fmt in ("csv", "sav", "parquet"):
        out = tmp_path / f"answers.{fmt}"
        code, _, err = run_cli(capsys, "--workspace", str(workspace.path), "surveys", "export",
                               str(survey.id), "--format", fmt, "--out", str(out))  # fmt: skip
        assert code == 0, err
    data = pd.read_csv(tmp_path / "answers.csv")
    assert len(data) == 40 and "contact_id" not in data and "fingerprint" not in data
    text = (tmp_path / "answers.csv").read_text().splitlines()
    header = text[0].split(",")
    third = dict(zip(header, text[3].split(","), strict=False))  # id 3 chose web and shop
    assert (third["id"], third["uses_app"], third["uses_web"], third["uses_shop"]) == (
        "3", "0", "1", "1")  # fmt: skip
    labels = pd.read_csv(tmp_path / "answers_labels.csv", keep_default_na=False)
    assert {"variable": "region", "value": "north", "label": "north (en)"} in labels.to_dict(
        "records")  # fmt: skip
    sav, meta = pyreadstat.read_sav(tmp_path / "answers.sav")
    assert meta.column_names_to_labels["g1"] == "Rate: Item 1"
    assert meta.variable_value_labels["region"] == {1.0: "north (en)", 2.0: "south (en)"}
    assert meta.variable_value_labels["recommend"][10.0] == "10"
    assert sav.loc[0, "region"] == 1.0 and sav.loc[1, "region"] == 2.0
    parquet = pd.read_parquet(tmp_path / "answers.parquet")
    assert parquet["flags"].iloc[0] == "honeypot" and len(parquet) == 40


def test_bad_input_is_one_line(workspace, capsys, tmp_path):
    survey = _store(workspace, _rows())
    base = ("--workspace", str(workspace.path), "surveys")
    code, _, err = run_cli(capsys, *base, "analyze", str(survey.id), "--exclude-flag", "fast")
    assert code == 1 and err.count("\n") == 1 and "unknown flag 'fast'" in err
    code, _, err = run_cli(capsys, *base, "weight", str(survey.id), "--targets",
                           str(_targets(tmp_path)), "--exclude-flag", "honeypot",
                           "--include-flagged")  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "do not combine" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("variable,category,share\ncountry,ES,1\n")
    code, _, err = run_cli(capsys, *base, "weight", str(survey.id), "--targets", str(bad))
    assert code == 1 and err.count("\n") == 1 and "no question or column 'country'" in err
    missing = tmp_path / "story.csv"
    missing.write_text("variable,category,share\nstory,x,1\n")
    code, _, err = run_cli(capsys, *base, "weight", str(survey.id), "--targets", str(missing))
    assert code == 1 and err.count("\n") == 1 and "has no answer to 'story'" in err
    code, _, err = run_cli(capsys, *base, "analyze", str(survey.id), "--crosstab", "region")
    assert code == 1 and err.count("\n") == 1 and "expected ROW,COLUMN" in err
    code, _, err = run_cli(capsys, *base, "responses", "999")
    assert code == 1 and err.count("\n") == 1 and "no survey 999" in err


def test_the_analysis_and_weights_are_printed_in_es_and_en(workspace, capsys, tmp_path):
    survey = _store(workspace, _rows())
    base = ("--workspace", str(workspace.path), "surveys")
    code, out, err = run_cli(capsys, *base, "analyze", str(survey.id), "--no-open",
                             "--lang", "es")  # fmt: skip
    assert code == 0, err
    assert "respuestas completas analizadas (sin ponderar)" in out and "(regla: " in out
    code, out, err = run_cli(capsys, *base, "analyze", str(survey.id), "--no-open")
    assert code == 0, err
    assert "complete responses analysed (unweighted)" in out and "(rule: " in out
    code, out, err = run_cli(capsys, *base, "weight", str(survey.id), "--targets",
                             str(_targets(tmp_path)))  # fmt: skip
    assert code == 0, err  # the workspace's first language is es
    assert "objetivo 0.3" in out and "efecto de diseño" in out
