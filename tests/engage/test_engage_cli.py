"""The contracts of `escucha inbox`, `escucha reply` and `escucha drafts`, and their errors."""

from __future__ import annotations

import json

import pytest

from escucha.cli import main
from escucha.config import ConfigError, parse_config
from listen.fake_mastodon import FakeMastodon

from .conftest import masto
from .helpers import add_post, asking_post, mentions_us, read_as

ITEM_KEYS = {"post_id", "source", "native_id", "status", "priority", "reasons"}


@pytest.fixture
def cli(capsys):
    def run(ws, *args: str) -> tuple[int, str, str]:
        try:
            code = main(["-w", str(ws.path), *args])
        except SystemExit as done:
            code = done.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_inbox_lists_assigns_closes_and_filters(engage_ws, cli):
    ws = engage_ws()
    question = asking_post(ws, "1", "¿Iberia deja llevar bici?", "question")
    complaint = asking_post(ws, "2", "Iberia perdió mi maleta", "complaint")
    code, out, _ = cli(ws, "inbox", "--json")
    items = json.loads(out)["items"]
    assert code == 0 and [i["post_id"] for i in items] == [complaint, question]
    assert all(set(i) >= ITEM_KEYS for i in items)
    assert items[0]["native_id"] == "2" and items[0]["source"] == "masto"
    assert items[0]["reasons"][0] == "complaint (+3)"
    code, out, _ = cli(ws, "inbox", "assign", str(question), "--to", "marta")
    assert code == 0 and out.strip() == f"post {question}: assigned → marta"
    code, out, _ = cli(ws, "inbox", "--assignee", "marta", "--json")
    assert [i["post_id"] for i in json.loads(out)["items"]] == [question]
    assert cli(ws, "inbox", "close", str(complaint))[0] == 0
    assert cli(ws, "inbox", "no-reply", str(question))[0] == 0
    code, out, _ = cli(ws, "inbox", "--status", "new", "--json")
    assert json.loads(out) == {"items": []}
    code, out, _ = cli(ws, "inbox")
    assert code == 0 and f"post {complaint}" in out and "closed" in out
    code, out, _ = cli(ws, "inbox", "thread", str(question), "--json")
    assert [p["post_id"] for p in json.loads(out)["posts"]] == [question]


def test_inbox_json_lists_every_item_and_the_table_a_page(engage_ws, cli, monkeypatch):
    import escucha.cli.engage as engage_cli

    monkeypatch.setattr(engage_cli, "TABLE_ROWS", 1)
    ws = engage_ws()
    first = asking_post(ws, "1", "¿Iberia deja llevar bici?", "question")
    second = asking_post(ws, "2", "Iberia perdió mi maleta", "complaint")
    _, out, _ = cli(ws, "inbox", "--json")
    assert sorted(i["post_id"] for i in json.loads(out)["items"]) == sorted([first, second])
    _, out, _ = cli(ws, "inbox", "--json", "--limit", "1")
    assert [i["post_id"] for i in json.loads(out)["items"]] == [second]
    _, out, _ = cli(ws, "inbox")
    assert f"post {second}" in out and f"post {first}" not in out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("inbox", "--status", "open"), "unknown status 'open'"),
        (("inbox", "--limit", "0"), "--limit must be at least 1"),
        (("inbox", "close", "abc"), "POST_ID 'abc': expected a post's number"),
        (("inbox", "close", "77"), "post 77 is not in the inbox"),
        (("reply", "1"), "write the reply with --text TEXT or start from --snippet NAME"),
        (("reply", "1", "--text", ""), "the draft is empty"),
        (("reply", "99", "--text", "hola"), "no post 99"),
        (("drafts", "approve", "x1"), "DRAFT_ID 'x1': expected a draft's number"),
        (("drafts", "approve", "5"), "no draft 5"),
        (("drafts", "publish", "5"), "no draft 5"),
        (("drafts", "list", "--status", "sent"), "unknown status 'sent'"),
    ],
)
def test_bad_input_is_one_line(engage_ws, cli, args, error):
    ws = engage_ws()
    asking_post(ws, "1", "¿Iberia?")
    code, out, err = cli(ws, *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and error in err


def test_reply_approve_and_publish_contracts(engage_ws, cli, server, monkeypatch):
    fake = FakeMastodon(server, token="tok-1")
    native = fake.post("¿Iberia, dónde está mi maleta?", acct="ana")
    ws = engage_ws(masto(server.url))
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    post = add_post(ws, native, "¿Iberia, dónde está mi maleta?", author="ana")
    read_as(ws, post, "question")
    mentions_us(ws, post)
    code, out, _ = cli(ws, "reply", str(post), "--text", "Lo sentimos, Ana. ¿Nos escribes?",
                       "--json")  # fmt: skip
    draft = json.loads(out)
    assert code == 0 and set(draft) >= {"draft_id", "verdict", "flags", "reasons"}
    assert draft["verdict"] == "ok" and draft["flags"] == [] and draft["reasons"] == []
    draft_id = str(draft["draft_id"])
    code, _, err = cli(ws, "drafts", "publish", draft_id, "--json")
    assert code == 1 and "is pending: it is published only once approved" in err
    code, out, _ = cli(ws, "drafts", "approve", draft_id)
    assert code == 0 and out.strip() == f"draft {draft_id} approved by cli"
    code, out, _ = cli(ws, "drafts", "publish", draft_id, "--json")
    published = json.loads(out)
    assert code == 0 and published["published"] is True
    assert published["native_id"] == fake.statuses[-1]["id"]
    code, out, _ = cli(ws, "drafts", "publish", draft_id, "--json")
    assert json.loads(out)["native_id"] == published["native_id"]
    assert len(server.hits("/api/v1/statuses")) == 1
    code, out, _ = cli(ws, "inbox", "--json")
    assert json.loads(out)["items"][0]["status"] == "answered"
    code, out, _ = cli(ws, "drafts", "list", "--status", "published", "--json")
    assert [d["draft_id"] for d in json.loads(out)["drafts"]] == [int(draft_id)]
    code, out, _ = cli(ws, "drafts", "snippets", "--json")
    assert set(json.loads(out)["thanks"]) == {"es", "en"}


def test_drafts_new_writes_a_post_of_ours_with_the_reply_contract(
    engage_ws, cli, server, monkeypatch
):
    fake = FakeMastodon(server, token="tok-1")
    ws = engage_ws(masto(server.url))
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    text = "Buscamos 20 personas que prueben el nuevo embarque por la app. ¿Te apuntas?"
    code, out, _ = cli(ws, "drafts", "new", "--source", "masto", "--kind", "tester_call",
                       "--text", text, "--json")  # fmt: skip
    draft = json.loads(out)
    assert code == 0 and set(draft) >= {"draft_id", "verdict", "flags", "reasons"}
    assert (draft["kind"], draft["source"], draft["post_id"]) == ("tester_call", "masto", None)
    draft_id = str(draft["draft_id"])
    code, out, _ = cli(ws, "drafts", "list")
    assert code == 0 and f"draft {draft_id}  tester_call on masto  pending" in out
    assert cli(ws, "drafts", "approve", draft_id)[0] == 0
    for again in (False, True):
        code, out, _ = cli(ws, "drafts", "publish", draft_id, "--json")
        published = json.loads(out)
        assert code == 0 and published["again"] is again
        assert published["native_id"] == fake.statuses[-1]["id"]
    assert len(server.hits("/api/v1/statuses")) == 1
    code, out, err = cli(ws, "drafts", "new", "--source", "masto", "--kind", "advert",
                         "--text", text)  # fmt: skip
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "unknown kind 'advert' for a new post" in err


@pytest.mark.parametrize(
    ("engage", "error"),
    [
        ({"approval": "anyone"}, "[engage]: 'approval' must be one of 'admin', 'second_person'"),
        ({"approvals": "admin"}, "[engage]: unknown key 'approvals'"),
        ("admin", "[engage] must be a table"),
    ],
)
def test_engage_settings_errors_name_the_key(engage, error):
    with pytest.raises(ConfigError) as bad:
        parse_config({"engage": engage}, "escucha.toml")
    assert str(bad.value).startswith("escucha.toml") and error in str(bad.value)


def test_engage_settings_are_read_and_written():
    from escucha.config import render_config

    config = parse_config({"engage": {"approval": "second_person"}}, "escucha.toml")
    assert config.engage.approval == "second_person"
    import tomllib

    assert tomllib.loads(render_config(config))["engage"] == {"approval": "second_person"}
