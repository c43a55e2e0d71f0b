"""`escucha panels` end to end through the CLI: create, recruit, invite, mark, status, remind,
disclosures, report (offline HTML in es and en) and close, with messages in the workspace's
language and one clear line for bad input."""

from __future__ import annotations

import json

from .helpers import crowd, people, run_cli


def test_the_commands_in_order(sqlite_workspace, tmp_path, capsys, monkeypatch):
    ws = sqlite_workspace
    people(ws, tmp_path, crowd(5))
    monkeypatch.chdir(ws.path)
    code, out, err = run_cli(
        capsys, "panels", "create", "--name", "Botella", "--segment", "all", "--size", "3",
        "--seed", "4", "--product", "Botella", "--phase", "unboxing", "--phase", "week 1",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == "prueba de producto #1 creada (semilla 4)"  # the workspace speaks es
    code, out, _ = run_cli(capsys, "panels", "recruit", "1")
    assert code == 0 and "3 seleccionados, 2 fuera (semilla 4)" in out
    code, out, err = run_cli(capsys, "panels", "invite", "1", "--json")
    assert code == 0, err
    invited = json.loads(out)["invited"]
    assert len(invited) == 3 and all("/t/" in i["url"] for i in invited)
    first = invited[0]["contact"]
    code, out, err = run_cli(capsys, "panels", "mark", "1", str(first), "shipped",
                             "--received", "unit 7", "--phase", "1", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["received"] == "unit 7"
    code, out, _ = run_cli(capsys, "panels", "status", "1", "--json")
    statuses = {t["contact_id"]: t["status"] for t in json.loads(out)["testers"]}
    assert statuses[first] == "shipped" and list(statuses.values()).count("invited") == 2
    code, out, _ = run_cli(capsys, "panels", "remind", "1")
    assert code == 0 and "0 recordatorios" in out  # too soon after the invitation
    code, out, _ = run_cli(capsys, "panels", "disclosures", "1", "--json")
    assert code == 0 and json.loads(out) == {"posts": []}
    for lang, words in (("es", "autoseleccionada"), ("en", "self-selected")):
        target = tmp_path / f"report-{lang}.html"
        code, out, err = run_cli(capsys, "panels", "report", "1", "--lang", lang,
                                 "--out", str(target))  # fmt: skip
        assert code == 0, err
        assert words in target.read_text(encoding="utf-8")
    code, out, _ = run_cli(capsys, "panels", "close", "1", "--outcome", "shipped")
    assert code == 0 and "prueba de producto #1 cerrada: shipped" in out
    code, _, err = run_cli(capsys, "panels", "close", "1", "--outcome", "shipped")
    assert code != 0 and "closed already" in err and len(err.strip().splitlines()) == 1


def test_bad_ids_and_missing_tests_are_one_line(sqlite_workspace, capsys, monkeypatch):
    monkeypatch.chdir(sqlite_workspace.path)
    code, _, err = run_cli(capsys, "panels", "recruit", "abc")
    assert code != 0 and "give a whole number" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(capsys, "panels", "recruit", "9")
    assert code != 0 and "no product test 9" in err
    code, _, err = run_cli(capsys, "panels", "invite", "9")
    assert code != 0 and "no product test 9" in err
