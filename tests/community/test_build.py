"""Contacts built from authors: every author is an identity of exactly one contact."""

from __future__ import annotations

from sqlalchemy import func, select

from escucha.community.build import build_contacts
from escucha.community.importer import import_contacts
from escucha.store.schema import authors, contact_identities, contacts

from .helpers import contact_of, merge_log, posts_file, snapshot, write_csv


def test_every_author_becomes_one_identity_of_one_contact_and_a_rebuild_adds_nothing(
    workspace, tmp_path
):
    workspace.import_file(
        posts_file(
            tmp_path / "p.csv",
            [("1", "ana", "reddit", "hola"), ("2", "bo", "reddit", "hey"),
             ("3", "ana", "reddit", "otra"), ("4", "cy.bsky.social", "bluesky", "x")],
        )
    )  # fmt: skip
    assert build_contacts(workspace) == 3
    before = snapshot(workspace)
    assert build_contacts(workspace) == 0
    assert snapshot(workspace) == before
    with workspace.engine.connect() as conn:
        n_authors = conn.scalar(select(func.count()).select_from(authors))
        linked = conn.scalar(select(func.count(contact_identities.c.author_id.distinct())))
        assert n_authors == linked == conn.scalar(select(func.count()).select_from(contacts))


def test_an_imported_handle_is_linked_to_its_author_when_it_appears(workspace, tmp_path):
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "handle:reddit"], [["Ana", "u/Ana"]]),
        rejects_dir=tmp_path / "rejects",
    )
    workspace.import_file(posts_file(tmp_path / "p.csv", [("1", "ana", "reddit", "hola")]))
    build_contacts(workspace)
    with workspace.engine.connect() as conn:
        rows = conn.execute(select(contact_identities)).all()
    assert len(rows) == 1 and rows[0].author_id is not None and rows[0].origin == "import"


def test_two_authors_with_one_normalised_handle_merge_automatically_and_logged(workspace, tmp_path):
    # One Mastodon account seen as "ana" on its server and as "ana@mastodon.social" elsewhere.
    from datetime import UTC, datetime

    from escucha.core.items import Item
    from escucha.store.writer import write_batch

    now = datetime.now(UTC)
    items = [
        Item(source="a", native_id="1", text="x", fetched_at=now, author="ana",
             platform="mastodon", instance="mastodon.social", author_id="101"),
        Item(source="b", native_id="2", text="y", fetched_at=now, author="ana@mastodon.social",
             platform="mastodon", instance="fosstodon.org", author_id="9001"),
    ]  # fmt: skip
    with workspace.engine.begin() as conn:
        write_batch(conn, items, None)
    build_contacts(workspace)
    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(contacts)) == 1
        assert conn.scalar(select(func.count()).select_from(contact_identities)) == 2
    (log,) = merge_log(workspace)
    assert log["merged_by"] == "escucha (automatic)" and "mastodon handle" in log["reason"]
    assert contact_of(workspace, "mastodon", "ana@mastodon.social") == log["kept_id"]


def _profile_link(workspace, verified: bool) -> None:
    from datetime import UTC, datetime

    from escucha.core.items import Item
    from escucha.store.writer import write_batch

    now = datetime.now(UTC)
    field = {
        "name": "web",
        "value": '<a href="https://www.ana.example.org/" rel="me">ana.example.org</a>',
        "verified_at": "2026-10-01T00:00:00Z" if verified else None,
    }
    status = {"id": "1", "content": "hola", "account": {"acct": "ana", "fields": [field]}}
    items = [
        Item(source="m", native_id="1", text="hola", fetched_at=now, author="ana",
             platform="mastodon", instance="mastodon.social", author_id="7", raw=status),
        Item(source="b", native_id="2", text="hey", fetched_at=now, author="ana.example.org",
             platform="bluesky", author_id="did:plc:ana"),
    ]  # fmt: skip
    with workspace.engine.begin() as conn:
        write_batch(conn, items, None)


def test_a_verified_profile_link_to_a_bluesky_domain_merges_automatically(workspace):
    _profile_link(workspace, verified=True)
    build_contacts(workspace)
    (log,) = merge_log(workspace)
    assert log["reason"].startswith("verified cross-link") and "ana.example.org" in log["reason"]


def test_an_unverified_profile_link_waits_for_a_person(workspace):
    from escucha.community.resolve import suggestions

    _profile_link(workspace, verified=False)
    build_contacts(workspace)
    assert merge_log(workspace) == []
    (found,) = suggestions(workspace)
    assert found["confidence"] == 0.6 and "unverified" in found["reason"]


def test_the_python_api_gives_contacts_as_a_dataframe(workspace, tmp_path):
    workspace.import_file(posts_file(tmp_path / "p.csv", [("1", "ana", "reddit", "hola")]))
    frame = workspace.contacts()
    assert list(frame["name"]) == ["Ana"] and frame.loc[0, "posts"] == 1
    assert frame.loc[0, "identities"] == [{"platform": "reddit", "handle": "ana"}]
    assert {"ready", "reasons", "gives", "asks", "attributes"} <= set(frame.columns)


def test_a_long_handle_on_a_long_server_name_still_becomes_an_identity(workspace):
    from sqlalchemy import insert

    handle, server = "a" * 250, ("s" * 60 + ".") * 4 + "org"
    with workspace.engine.begin() as conn:
        conn.execute(insert(authors).values(platform="mastodon", instance=server, account_id="1",
                                            handle=handle, first_source="t"))  # fmt: skip
    assert build_contacts(workspace) == 1
    assert contact_of(workspace, "mastodon", f"{handle}@{server}") is not None
