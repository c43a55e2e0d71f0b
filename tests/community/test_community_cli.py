"""The contracts of `escucha contacts`, `escucha ledger` and `escucha segments`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from escucha.cli import main

from .helpers import posts_file, write_csv

KEYS = {"id", "name", "emails", "identities", "gives", "asks", "ready", "reasons", "opted_out",
        "attributes"}  # fmt: skip


@pytest.fixture
def cli(sqlite_workspace, tmp_path, capsys):
    sqlite_workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "ana_g", "reddit", "hola Iberia"), ("2", "ana_g", "bluesky", "hola"),
        ("3", "bo", "tweets", "x")]))  # fmt: skip

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["-w", str(sqlite_workspace.path), *args])
        except SystemExit as done:  # a command that succeeds exits through SystemExit
            code = done.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_contacts_import_list_show_and_ready(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["name", "email", "handle:reddit", "consent", "city"],
                     [["Ana", "Ana@Example.org", "u/ana_g", "yes", "Madrid"]])  # fmt: skip
    code, out, _ = cli("contacts", "import", str(path))
    assert code == 0 and "1 rows: 0 new contacts, 1 updated" in out
    code, out, _ = cli("contacts", "list", "--json")
    contacts = json.loads(out)["contacts"]
    assert len(contacts) == 3 and all(set(c) >= KEYS for c in contacts)
    ana = next(c for c in contacts if c["name"] == "Ana")
    assert ana["emails"] == ["Ana@Example.org"] and ana["attributes"] == {"city": "Madrid"}
    assert ana["identities"] == [{"platform": "reddit", "handle": "ana_g"}]
    assert (ana["gives"], ana["asks"], ana["ready"], ana["reasons"]) == (0, 0, True, [])
    code, out, _ = cli("contacts", "list", "--ready", "--json")
    assert [c["id"] for c in json.loads(out)["contacts"]] == [ana["id"]]
    code, out, _ = cli("contacts", "show", str(ana["id"]), "--json")
    assert json.loads(out) == ana


def test_suggest_merge_unmerge(cli):
    code, out, _ = cli("contacts", "suggest", "--json")
    (suggestion,) = json.loads(out)["suggestions"]
    assert set(suggestion) == {"contacts", "reason", "confidence"}
    a, b = suggestion["contacts"]
    assert isinstance(suggestion["confidence"], float) and "ana_g" in suggestion["reason"]
    assert cli("contacts", "merge", str(a), str(b), "--reason", "same person")[0] == 0
    assert json.loads(cli("contacts", "suggest", "--json")[1]) == {"suggestions": []}
    code, _, err = cli("contacts", "merge", str(a), str(a), "--reason", "x")
    assert code == 1 and err == f"escucha: error: cannot merge contact {a} with itself\n"
    code, out, _ = cli("contacts", "unmerge", str(a), "--identity", "bluesky:ana_g")
    assert code == 0 and f"contact {b} restored" in out
    code, _, err = cli("contacts", "unmerge", str(a), "--identity", "reddit:u/ana_g")
    assert code == 1 and "never merged" in err


def test_ledger_add_and_list(cli):
    cli("contacts", "list")
    code, out, _ = cli("ledger", "add", "--contact", "1", "--kind", "give:help", "--note", "x")
    assert code == 0 and "recorded give:help" in out
    assert cli("ledger", "add", "--kind", "ask:survey")[0] == 0  # the community at large
    code, _, err = cli("ledger", "add", "--contact", "1", "--kind", "ask:spam")
    assert code == 1 and "unknown kind 'ask:spam'" in err
    code, _, err = cli("ledger", "add", "--contact", "99", "--kind", "ask:test")
    assert code == 1 and "no contact 99" in err
    data = json.loads(cli("ledger", "list", "--json")[1])
    assert [i["kind"] for i in data["interactions"]] == ["ask:survey", "give:help"]
    assert data["months"][-1]["gives"] == 1 and data["months"][-1]["asks"] == 1


def test_segments_create_show_list_delete(cli):
    assert cli("segments", "create", "posting", "--min-posts", "1")[0] == 0
    shown = json.loads(cli("segments", "show", "posting", "--json")[1])["contacts"]
    assert len(shown) == 3
    assert json.loads(cli("segments", "list", "--json")[1])["segments"][0]["name"] == "posting"
    assert cli("segments", "delete", "posting")[0] == 0
    code, _, err = cli("segments", "show", "posting")
    assert code == 1 and "no segment 'posting'" in err


def test_export_and_forget_errors(cli, tmp_path):
    cli("contacts", "list")  # contacts are built from the authors on first use
    code, out, _ = cli("contacts", "export", "1")
    assert code == 0 and json.loads(out)["contact"]["id"] == 1
    code, _, err = cli("contacts", "forget", "77")
    assert code == 1 and err == "escucha: error: no contact 77\n"
    code, _, err = cli("contacts", "show", "ana")
    assert code == 1 and "not a contact id" in err


def test_forget_through_the_command_leaves_no_byte_of_the_person(tmp_path):
    """The acceptance contract, as a user runs it: a separate process, the default store."""
    ws = tmp_path / "ws"
    run = [sys.executable, "-m", "escucha", "-w", str(ws)]
    subprocess.run([sys.executable, "-m", "escucha", "init", str(ws)], check=True,
                   capture_output=True)  # fmt: skip
    path = write_csv(tmp_path / "c.csv", ["name", "email", "handle:mastodon"],
                     [["Wenceslao Pizarro", "wence.pizarro@example.net",
                       "@wence@mastodon.social"]])  # fmt: skip
    subprocess.run([*run, "contacts", "import", str(path)], check=True, capture_output=True)
    listed = subprocess.run([*run, "contacts", "list", "--json"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    (person,) = json.loads(listed)["contacts"]
    done = subprocess.run([*run, "contacts", "forget", str(person["id"])], capture_output=True)
    assert done.returncode == 0
    for name in ("escucha.db", "escucha.db-wal"):
        if (ws / name).exists():
            data = (ws / name).read_bytes()
            assert b"wence.pizarro@example.net" not in data and b"Wenceslao" not in data
