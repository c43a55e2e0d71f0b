"""Recruitment: eligibility with reasons, the seeded draw, quotas, fewer eligible than places,
one draw per test even when two people recruit at once; the CLI contracts."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from escucha.errors import UserError
from escucha.panels.define import create_panel, parse_quota
from escucha.panels.recruit import recruit
from escucha.store.schema.panels import panel_draws, panel_testers

from .helpers import crowd, people, run_cli


def test_the_same_seed_on_the_same_data_draws_the_same_testers(workspace, tmp_path):
    people(workspace, tmp_path, crowd(30))
    a = create_panel(workspace, "A", "all", 5, seed=42)
    b = create_panel(workspace, "B", "all", 5, seed=42)
    c = create_panel(workspace, "C", "all", 5, seed=43)
    drawn_a, drawn_b = recruit(workspace, a["id"]), recruit(workspace, b["id"])
    assert len(drawn_a["selected"]) == 5
    assert drawn_a["selected"] == drawn_b["selected"] and drawn_a["seed"] == 42
    assert recruit(workspace, c["id"])["selected"] != drawn_a["selected"]
    # a second recruit of the same test shows the recorded draw, it never redraws
    assert recruit(workspace, a["id"])["selected"] == drawn_a["selected"]
    left = {item["contact"] for item in drawn_a["left_out"]}
    assert len(left) == 25 and not left & set(drawn_a["selected"])
    assert all("not drawn" in item["reason"] for item in drawn_a["left_out"])


def test_opted_out_and_not_ask_ready_contacts_are_never_selected(workspace, tmp_path):
    rows = crowd(4)
    rows += [
        ["Out", "out@example.org", "es", "ES", "true", "yes", "35-54", ""],
        ["NoConsent", "nc@example.org", "es", "ES", "", "", "35-54", ""],
        ["Staff", "st@example.org", "es", "ES", "", "yes", "35-54", "employee"],
        ["French", "fr@example.org", "fr", "FR", "", "yes", "35-54", ""],
    ]
    ids = people(workspace, tmp_path, rows)
    for seed in range(5):
        panel = create_panel(workspace, f"T{seed}", "all", 8, seed=seed, lang="es")
        drawn = recruit(workspace, panel["id"])
        assert ids["Out"] not in drawn["selected"] and ids["NoConsent"] not in drawn["selected"]
        assert set(drawn["selected"]) == {ids[f"P{i:02d}"] for i in range(4)}
    reasons = {item["contact"]: item["reason"] for item in drawn["left_out"]}
    assert "opted out" in reasons[ids["Out"]]
    assert "not ask-ready" in reasons[ids["NoConsent"]]
    assert "employee" in reasons[ids["Staff"]]
    assert "language fr" in reasons[ids["French"]]


def test_an_internal_test_takes_employees(workspace, tmp_path):
    ids = people(
        workspace,
        tmp_path,
        [["Staff", "st@example.org", "es", "ES", "", "yes", "35-54", "employee"]],
    )
    panel = create_panel(workspace, "Internal", "all", 1, seed=1, internal=True)
    assert recruit(workspace, panel["id"])["selected"] == [ids["Staff"]]


def test_fewer_eligible_than_places_selects_all_and_says_so(workspace, tmp_path):
    ids = people(workspace, tmp_path, crowd(3))
    panel = create_panel(workspace, "Big", "all", 50, seed=7)
    drawn = recruit(workspace, panel["id"])
    assert sorted(drawn["selected"]) == sorted(ids.values())
    assert any("only 3 eligible contacts for 50 places" in note for note in drawn["notes"])


def test_quotas_are_drawn_within_their_cells_and_unfillable_ones_are_reported(workspace, tmp_path):
    people(workspace, tmp_path, crowd(12, young=2))
    panel = create_panel(workspace, "Q", "all", 6, seed=3, quotas=["age=18-34:4"])
    drawn = recruit(workspace, panel["id"])
    assert len(drawn["selected"]) == 6
    fill = drawn["quotas"][0]
    assert fill == {"cell": "age=18-34", "wanted": 4, "got": 2, "eligible": 2, "filled": False}
    assert any("quota age=18-34 cannot be filled: 2 of 4" in n for n in drawn["notes"])
    with workspace.engine.connect() as conn:
        cells = [r.cell for r in conn.execute(sa.select(panel_testers))]
    assert cells.count("age=18-34") == 2


def test_a_quota_cell_is_capped(workspace, tmp_path):
    people(workspace, tmp_path, crowd(10, young=8))
    panel = create_panel(workspace, "Cap", "all", 4, seed=5, quotas=["age=18-34:1"])
    drawn = recruit(workspace, panel["id"])
    assert len(drawn["selected"]) == 3  # 1 young, and the only 2 people outside the cell
    assert sum("quota cell age=18-34 full" in i["reason"] for i in drawn["left_out"]) == 7


@pytest.mark.parametrize(
    "text", ["age", "age=young", "age=young:0", "=x:1", "age=young:-1", "age=young:x"]
)
def test_bad_quotas_are_refused_with_one_line(text):
    with pytest.raises(UserError, match="--quota"):
        parse_quota(text)


def test_bad_definitions_are_refused(workspace):
    with pytest.raises(UserError, match="--size"):
        create_panel(workspace, "x", "all", 0)
    with pytest.raises(UserError, match="quotas add up to 5"):
        create_panel(workspace, "x", "all", 4, quotas=["age=a:5"])
    with pytest.raises(UserError):
        create_panel(workspace, "x", "lang:(", 4)
    with pytest.raises(UserError, match="--name"):
        create_panel(workspace, " ", "all", 4)


def test_without_a_seed_one_is_chosen_and_recorded(workspace, tmp_path):
    people(workspace, tmp_path, crowd(6))
    panel = create_panel(workspace, "NoSeed", "all", 2)
    drawn = recruit(workspace, panel["id"])
    assert drawn["seed"] == panel["seed"] and isinstance(panel["seed"], int)
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(panel_draws.c.seed)) == panel["seed"]


def test_two_people_recruiting_at_once_get_one_draw(workspace, tmp_path):
    people(workspace, tmp_path, crowd(20))
    panel = create_panel(workspace, "Race", "all", 5, seed=9)
    results: list[dict] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(recruit(workspace, panel["id"]))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results[0]["selected"] == results[1]["selected"]
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(panel_draws)) == 1
        testers = [r.contact_id for r in conn.execute(sa.select(panel_testers))]
    assert sorted(testers) == sorted(results[0]["selected"]) and len(set(testers)) == 5


def test_a_segment_query_picks_contacts_by_their_posts(workspace, tmp_path):
    from escucha.community.segments import SegmentFilters, create_segment

    ids = people(workspace, tmp_path, crowd(4))
    create_segment(workspace, "young", SegmentFilters(attributes={"age": "18-34"}))
    panel = create_panel(workspace, "Seg", "young", 3, seed=1)
    drawn = recruit(workspace, panel["id"])
    assert drawn["selected"] == [] and ids
    assert any("only 0 eligible" in n for n in drawn["notes"])


def test_the_cli_contracts(workspace, tmp_path, capsys, monkeypatch):
    people(workspace, tmp_path, crowd(10, young=3))
    monkeypatch.chdir(workspace.path)
    code, out, err = run_cli(
        capsys,
        "panels",
        "create",
        "--name",
        "Bottle",
        "--segment",
        "all",
        "--size",
        "4",
        "--quota",
        "age=18-34:2",
        "--seed",
        "11",
        "--json",
    )
    assert code == 0, err
    panel_id = json.loads(out)["panel_id"]
    code, out, err = run_cli(capsys, "panels", "recruit", str(panel_id), "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["seed"] == 11 and len(first["selected"]) == 4
    assert all(set(item) >= {"contact", "reason"} for item in first["left_out"])
    code, out, _ = run_cli(
        capsys,
        "panels",
        "create",
        "--name",
        "Again",
        "--segment",
        "all",
        "--size",
        "4",
        "--quota",
        "age=18-34:2",
        "--seed",
        "11",
        "--json",
    )
    again = json.loads(
        run_cli(capsys, "panels", "recruit", str(json.loads(out)["panel_id"]), "--json")[1]
    )
    assert again["selected"] == first["selected"]
    code, _, err = run_cli(
        capsys,
        "panels",
        "create",
        "--name",
        "X",
        "--segment",
        "all",
        "--size",
        "3",
        "--quota",
        "age",
        "--json",
    )
    assert code != 0 and "--quota" in err and len(err.strip().splitlines()) == 1


def test_a_segment_of_contact_filters_picks_by_the_contacts_own_fields(workspace, tmp_path):
    rows = crowd(4, young=2)
    rows.append(["Eng", "eng@example.org", "en", "US", "", "yes", "18-34", ""])
    ids = people(workspace, tmp_path, rows)
    young_es = create_panel(workspace, "Y", "lang:es AND age=18-34", 9, seed=1)
    assert sorted(recruit(workspace, young_es["id"])["selected"]) == sorted(
        [ids["P00"], ids["P01"]]
    )
    english = create_panel(workspace, "E", "lang:en country:us", 9, seed=1)
    assert recruit(workspace, english["id"])["selected"] == [ids["Eng"]]
    with pytest.raises(UserError, match="lang is given twice"):
        create_panel(workspace, "Bad", "lang:es lang:en", 2)


def test_a_post_query_segment_picks_contacts_by_their_posts(workspace, tmp_path):
    import csv

    from escucha.community.build import build_contacts
    from escucha.community.rights import record_consent
    from escucha.community.views import list_contacts

    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "author", "platform", "text", "created_at"])
        writer.writerow(["1", "ana", "reddit", "Quiero una botella de Iberia", "2026-10-01"])
        writer.writerow(["2", "bo", "reddit", "Hoy llueve", "2026-10-01"])
    workspace.import_file(path)
    build_contacts(workspace)
    for contact in list_contacts(workspace):
        record_consent(workspace, contact["id"], True, channel="form", text_version="v1")
    ana = next(c["id"] for c in list_contacts(workspace) if "ana" in str(c["identities"]))
    panel = create_panel(workspace, "Q", "botella", 5, seed=1)
    assert recruit(workspace, panel["id"])["selected"] == [ana]
