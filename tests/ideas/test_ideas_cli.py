"""`escucha ideas` through Typer (registered on a test app until app.py registers it)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from escucha.cli.app import app
from escucha.errors import UserError

from .corpus import corpus_rows
from .seed import add_posts


@pytest.fixture
def cli(sqlite_workspace):
    add_posts(sqlite_workspace, corpus_rows())
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["-w", str(sqlite_workspace.path), "ideas", *args])

    return run


def test_refresh_list_show_and_curate(cli):
    assert cli("refresh").output == "13 wish posts grouped, 5 new ideas\n"
    assert cli("refresh").output == "0 wish posts grouped, 0 new ideas\n"
    listed = json.loads(cli("--json").output)
    assert [i["posts"] for i in listed] == [3, 3, 3, 2, 2]
    first, second = listed[0]["id"], listed[1]["id"]
    shown = json.loads(cli("show", str(first), "--json").output)
    assert len(shown["askers"]) == 3 and shown["first_seen"].endswith("+00:00")
    text = cli("show", str(first)).output
    assert text.startswith(f"#{first} ") and "Askers:" in text and "(test)" in text
    assert cli("status", str(first), "planned").output.endswith(": planned\n")
    assert cli("merge", str(second), str(first)).exit_code == 0
    assert len(json.loads(cli("--json").output)) == 4
    assert "open again" in cli("unmerge", str(second)).output
    table = cli("--limit", "2").output
    assert "5 ideas (showing 2; --limit 0 for all)" in " ".join(table.split())


def test_an_unknown_status_is_a_user_error(cli):
    cli("refresh")
    done = cli("status", "1", "shipped")
    assert isinstance(done.exception, UserError) and "unknown status" in str(done.exception)


def test_leads_are_listed_only_when_asked_for(cli, sqlite_workspace):
    from datetime import timedelta

    from .corpus import START

    add_posts(
        sqlite_workspace,
        [{"native_id": "pets", "text": "let us fly with our dogs in the cabin",
          "created_at": START + timedelta(days=4), "intents": ["wish"], "author": "pat"}],
    )  # fmt: skip
    cli("refresh")
    plain = json.loads(cli("--json").output)
    with_leads = json.loads(cli("--leads", "--json").output)
    assert len(with_leads) == len(plain) + 1
    assert [i["title"] for i in with_leads if i["lead"]] == [
        "let us fly with our dogs in the cabin"
    ]
    assert "1 leads (one asker) not shown: --leads." in " ".join(cli().output.split())
