"""Consent, export and forget: nothing of a forgotten person stays, nothing comes back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from escucha.community.importer import import_contacts
from escucha.community.ledger import record_interaction
from escucha.community.rights import erasure_log, export_contact, forget_contact
from escucha.community.views import list_contacts
from escucha.errors import NotFound
from escucha.store.schema import authors, enrichments, posts, raw_payloads

from .helpers import contact_of, posts_file, write_csv

NAME, EMAIL = "Zacarías Quintanilla", "zacarias.quintanilla@example.org"


@pytest.fixture
def person(workspace, tmp_path):
    workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "zq_77", "reddit", "Iberia perdió mi maleta, Zacarías Quintanilla"),
        ("2", "zq_77", "reddit", "sigo esperando"),
        ("3", "other_1", "reddit", "Iberia bien"),
    ]))  # fmt: skip
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email", "handle:reddit", "consent"],
                  [[NAME, EMAIL, "u/zq_77", "yes"]]),
        rejects_dir=tmp_path / "rejects",
    )  # fmt: skip
    workspace.analyze()
    contact = contact_of(workspace, "reddit", "zq_77")
    record_interaction(workspace, "ask:survey", contact_id=contact, note=f"to {NAME}")
    return contact


def test_export_holds_identities_posts_interactions_and_consent(workspace, person):
    data = json.loads(json.dumps(export_contact(workspace, person), default=str))
    assert data["contact"]["name"] == NAME and data["emails"] == [EMAIL]
    assert data["identities"][0]["account"]["handle"] == "zq_77"
    assert sorted(p["native_id"] for p in data["posts"]) == ["1", "2"]
    assert all(p["raw_payload"] for p in data["posts"])
    assert len(data["about_posts"]["enrichments"]) == 2
    assert data["interactions"][0]["kind"] == "ask:survey"
    assert data["consent"][0]["granted"] is True and data["survey_answers"] == []


def test_forget_erases_the_person_and_logs_it_without_their_data(workspace, person, tmp_path):
    done = forget_contact(workspace, person, "dpo")
    assert done == {"identities": 1, "posts": 2}
    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(posts)) == 1
        assert conn.scalar(select(func.count()).select_from(raw_payloads)) == 1
        assert conn.scalar(select(func.count()).select_from(enrichments)) == 1
        assert conn.scalar(select(func.count()).where(authors.c.handle == "zq_77")) == 0
    assert [c["name"] for c in list_contacts(workspace)] == ["Other_1"]
    (log,) = erasure_log(workspace)
    assert log["erased_by"] == "dpo" and log["posts"] == 2
    assert NAME not in str(log) and EMAIL not in str(log)
    with pytest.raises(NotFound):
        export_contact(workspace, person)


def test_recollecting_their_posts_does_not_recreate_them(workspace, person, tmp_path):
    forget_contact(workspace, person)
    again = workspace.import_file(
        posts_file(tmp_path / "p2.csv", [("9", "zq_77", "reddit", "otra vez yo")]),
        source="p",
    )
    assert again.accepted == 0
    result = import_contacts(
        workspace,
        write_csv(tmp_path / "c2.csv", ["name", "email"], [[NAME, EMAIL.upper()]]),
        rejects_dir=tmp_path / "rejects",
    )
    assert result.created == 0 and result.rejected == 1
    assert [c["name"] for c in list_contacts(workspace)] == ["Other_1"]


def test_forgetting_an_unknown_id_is_not_found(workspace, person):
    with pytest.raises(NotFound, match="no contact 4242"):
        forget_contact(workspace, 4242)


def test_no_byte_of_a_forgotten_person_stays_in_the_sqlite_files(sqlite_workspace, tmp_path):
    ws = sqlite_workspace
    ws.import_file(posts_file(tmp_path / "p.csv", [("1", "zq_77", "reddit", f"soy {NAME}")]))
    import_contacts(
        ws,
        write_csv(tmp_path / "c.csv", ["name", "email", "handle:reddit"],
                  [[NAME, EMAIL, "u/zq_77"]]),
        rejects_dir=tmp_path / "rejects",
    )  # fmt: skip
    files = [ws.path / "escucha.db", ws.path / "escucha.db-wal"]
    held = b"".join(f.read_bytes() for f in files if f.exists())
    assert EMAIL.encode() in held or NAME.encode() in held  # the check below can fail
    forget_contact(ws, contact_of(ws, "reddit", "zq_77"))
    for f in files:
        if f.exists():
            data = f.read_bytes()
            for secret in (NAME, EMAIL, "Quintanilla", "zq_77"):
                assert secret.encode() not in data, (f.name, secret)
                assert secret.encode("utf-16-le") not in data


def test_a_connector_brings_a_forgotten_account_again_and_it_is_skipped(workspace):
    from datetime import UTC, datetime

    from escucha.community.build import build_contacts
    from escucha.core.items import Item
    from escucha.store.writer import start_run, store_batch

    def status(native_id: str) -> Item:
        return Item(source="tags", native_id=native_id, text="hola", fetched_at=datetime.now(UTC),
                    author="ana", platform="mastodon", instance="mastodon.social",
                    author_id="109")  # fmt: skip

    run = start_run(workspace.engine, "tags", "https://mastodon.social", "test")
    assert store_batch(workspace.engine, "tags", run, [status("1")]) == 1
    build_contacts(workspace)
    forget_contact(workspace, contact_of(workspace, "mastodon", "ana@mastodon.social"))
    assert store_batch(workspace.engine, "tags", run, [status("1"), status("2")]) == 0
    build_contacts(workspace)
    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(posts)) == 0
        assert conn.scalar(select(func.count()).select_from(authors)) == 0
    assert list_contacts(workspace) == []


def test_a_reader_holding_the_store_open_is_reported_and_scrub_finishes(sqlite_workspace, tmp_path):
    import sqlite3

    from escucha.community.rights import scrub_store
    from escucha.errors import EscuchaError

    ws = sqlite_workspace
    import_contacts(ws, write_csv(tmp_path / "c.csv", ["name", "email"], [[NAME, EMAIL]]),
                    rejects_dir=tmp_path / "r")  # fmt: skip
    reader = sqlite3.connect(ws.path / "escucha.db")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchall()
    with pytest.raises(EscuchaError, match="could not be scrubbed") as caught:
        forget_contact(ws, 1)
    assert caught.value.counts == {"identities": 0, "posts": 0}  # what the erasure log kept
    reader.rollback()
    reader.close()
    assert list_contacts(ws) == []
    scrub_store(ws)
    for name in ("escucha.db", "escucha.db-wal"):
        if (ws.path / name).exists():
            assert EMAIL.encode() not in (ws.path / name).read_bytes()


def test_the_ledger_version_moves_with_an_interaction_and_an_erasure(workspace, person):
    """The web's honesty panel is kept per ledger version: a logged give or an erasure (which
    deletes the person's interactions) moves it; a give leaves the posts' data version."""
    from escucha.enrich import current_model_version
    from escucha.reads.versions import current_versions

    model = current_model_version(workspace)
    before = current_versions(workspace.engine, model)
    record_interaction(workspace, "give:help", contact_id=person)
    given = current_versions(workspace.engine, model)
    assert given.ledger != before.ledger and given.data == before.data
    forget_contact(workspace, person)
    assert current_versions(workspace.engine, model).ledger != given.ledger
