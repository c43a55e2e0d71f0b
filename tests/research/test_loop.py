"""Closing the loop: the results post is an announcement draft (guard, approval, publish) and
`give:loop-closed` is recorded, once, for those who asked to hear back, when it is published;
on SQLite and PostgreSQL, with the post published to a local fake Mastodon."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from escucha.config import Brand, Config, SourceConfig
from escucha.engage.drafts import Actor, approve_draft, get_draft
from escucha.engage.publish import publish_draft
from escucha.research.surveys import set_status
from escucha.store.schema.community import interactions
from escucha.workspace import init_workspace
from listen.conftest import FakeServer, Sleeps
from listen.fake_mastodon import FakeMastodon

from .helpers import run_cli
from .responses import response
from .test_responses_store import _rows, _store

ADMIN = Actor("marta", "admin")


@pytest.fixture
def server():
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def masto_ws(tmp_path, database_url, server, monkeypatch):
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", database_url)
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    source = SourceConfig(
        "masto", "mastodon", {"api_base_url": server.url, "allow_private_networks": True}
    )
    config = Config(name="loop test", languages=("es", "en"),
                    brand=Brand("Iberia", (), ("@iberia",), ours=True), competitors=(),
                    sources=(source,))  # fmt: skip
    return init_workspace(tmp_path / "ws", config)


def _gives(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return conn.execute(
            sa.select(interactions.c.contact_id, interactions.c.ref).where(
                interactions.c.kind == "give:loop-closed"
            )
        ).all()


def test_the_results_post_is_a_draft_and_the_gives_wait_for_its_publication(
    masto_ws, server, capsys
):
    fake = FakeMastodon(server, token="tok-1")
    ws = masto_ws
    rows = _rows()
    rows[4] = response(5, contact_id=11, hear_back="yes")
    rows[5] = response(6, contact_id=12, hear_back="no")
    rows[6] = response(7, contact_id=13, hear_back="yes", status="in_progress")
    survey = _store(ws, rows, contacts_for=(11, 12, 13))
    base = ("-w", str(ws.path), "surveys", "close-loop", str(survey.id))
    code, _, err = run_cli(capsys, *base, "--source", "masto", "--json")
    assert code == 1 and "close it first" in err
    set_status(ws, survey.id, "closed")
    code, _, err = run_cli(capsys, *base, "--json")
    assert code == 1 and "--source" in err and err.count("\n") == 1
    code, out, err = run_cli(capsys, *base, "--source", "masto", "--lang", "en", "--json")
    assert code == 0, err
    first = json.loads(out)
    draft = first["draft"]
    assert (draft["kind"], draft["source"], draft["status"]) == ("announcement", "masto", "pending")
    assert draft["verdict"] in ("ok", "review") and first["created"] is True
    assert "the 37 people who answered" in draft["text"]  # 40 - 2 unfinished - the honeypot one
    assert "not a representative" in draft["text"] and "Region: south (en) (51%)" in draft["text"]
    assert "Hear back" not in draft["text"]
    assert first["hear_back"] == 1 and first["recorded"] == []
    assert "approve" in first["waiting"] and _gives(ws) == []
    # again: the same draft, nothing recorded while it waits
    code, out, _ = run_cli(capsys, *base, "--json")
    again = json.loads(out)
    assert again["draft"]["draft_id"] == draft["draft_id"] and again["created"] is False
    approve_draft(ws, draft["draft_id"], ADMIN)
    code, out, _ = run_cli(capsys, *base, "--json")
    assert "publish" in json.loads(out)["waiting"] and _gives(ws) == []
    publish_draft(ws, draft["draft_id"], sleep=Sleeps())
    assert fake.statuses[-1]["content"] and get_draft(ws, draft["draft_id"])["status"] == (
        "published"
    )
    code, out, _ = run_cli(capsys, *base, "--json")
    done = json.loads(out)
    assert done["recorded"] == [11] and done["waiting"] is None
    assert _gives(ws) == [(11, f"survey:{survey.id}")]
    code, out, _ = run_cli(capsys, *base, "--json")
    assert json.loads(out)["recorded"] == [] and json.loads(out)["already_recorded"] == 1
    assert _gives(ws) == [(11, f"survey:{survey.id}")]


def test_the_people_output_is_in_the_workspace_language(masto_ws, capsys):
    ws = masto_ws  # languages es, en: the commands speak Spanish
    survey = _store(ws, _rows())
    set_status(ws, survey.id, "closed")
    code, out, err = run_cli(capsys, "-w", str(ws.path), "surveys", "close-loop", str(survey.id),
                             "--source", "masto")  # fmt: skip
    assert code == 0, err
    assert "publicación de resultados: borrador" in out and "muestra representativa" in out
    assert "se registra cuando se publique" in out
    code, out, err = run_cli(capsys, "-w", str(ws.path), "surveys", "responses", str(survey.id))
    assert code == 0, err
    assert "40 respuestas" in out
    assert "marcas: honeypot" in out
