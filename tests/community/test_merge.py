"""Merges: logged, reversible exactly, refused for nonsense, safe when two run at once."""

from __future__ import annotations

import threading

import pytest

from escucha.community.build import build_contacts
from escucha.community.importer import import_contacts
from escucha.community.ledger import record_interaction
from escucha.community.merge import merge_contacts, unmerge_identity
from escucha.community.views import list_contacts
from escucha.errors import Conflict, NotFound, UserError

from .helpers import contact_of, merge_log, posts_file, snapshot, write_csv


@pytest.fixture
def two(workspace, tmp_path):
    """Ana on Reddit (with an email, an attribute, consent and a give) and Ana on Bluesky."""
    workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "ana_g", "reddit", "x"), ("2", "anag.bsky.social", "bluesky", "y")]))  # fmt: skip
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email", "handle:reddit", "consent", "city", "tier"],
                  [["Ana R", "ana@example.org", "u/ana_g", "yes", "Madrid", "gold"]]),
        rejects_dir=tmp_path / "rejects",
    )  # fmt: skip
    import_contacts(
        workspace,
        write_csv(tmp_path / "d.csv", ["name", "handle:bluesky", "city", "pet"],
                  [["Ana B", "anag.bsky.social", "Sevilla", "cat"]]),
        rejects_dir=tmp_path / "rejects",
    )  # fmt: skip
    reddit = contact_of(workspace, "reddit", "ana_g")
    bluesky = contact_of(workspace, "bluesky", "anag.bsky.social")
    record_interaction(workspace, "give:help", contact_id=bluesky, note="answered")
    return reddit, bluesky


def test_a_merge_moves_everything_and_an_unmerge_restores_exactly(workspace, two):
    reddit, bluesky = two
    before = snapshot(workspace)
    merge_contacts(workspace, reddit, bluesky, "same person: told us by email", "maria")
    (merged,) = list_contacts(workspace)
    assert merged["id"] == reddit and merged["name"] == "Ana R" and merged["gives"] == 1
    assert merged["attributes"] == {"city": "Madrid", "pet": "cat", "tier": "gold"}
    assert {i["platform"] for i in merged["identities"]} == {"reddit", "bluesky"}
    (log,) = merge_log(workspace)
    assert (log["kept_id"], log["merged_id"], log["merged_by"]) == (reddit, bluesky, "maria")
    assert log["reason"] == "same person: told us by email" and log["undone_at"] is None

    done = unmerge_identity(workspace, reddit, "bluesky:@AnaG.bsky.social", "maria")
    assert done["restored_id"] == bluesky
    assert snapshot(workspace) == before
    assert merge_log(workspace)[0]["undone_at"] is not None


def test_merging_a_contact_with_itself_is_refused(workspace, two):
    with pytest.raises(UserError, match="with itself"):
        merge_contacts(workspace, two[0], two[0], "why not")


def test_a_merge_needs_a_reason_and_known_contacts(workspace, two):
    with pytest.raises(UserError, match="reason"):
        merge_contacts(workspace, two[0], two[1], "  ")
    with pytest.raises(NotFound, match="no contact 999"):
        merge_contacts(workspace, two[0], 999, "x")


def test_unmerging_an_identity_that_was_never_merged_is_refused(workspace, two):
    reddit, _bluesky = two
    before = snapshot(workspace)
    with pytest.raises(Conflict, match="never merged"):
        unmerge_identity(workspace, reddit, "reddit:u/ana_g")
    with pytest.raises(NotFound, match="has no identity"):
        unmerge_identity(workspace, reddit, "bluesky:anag.bsky.social")
    with pytest.raises(UserError, match="PLATFORM:HANDLE"):
        unmerge_identity(workspace, reddit, "ana_g")
    assert snapshot(workspace) == before


def test_a_merged_contact_cannot_be_merged_again(workspace, two):
    merge_contacts(workspace, two[0], two[1], "same")
    with pytest.raises(Conflict, match=f"merged into contact {two[0]}"):
        merge_contacts(workspace, two[0], two[1], "same")


def test_two_merges_of_the_same_pair_at_once_leave_one_merge(workspace, two):
    reddit, bluesky = two
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def merge(keep: int, other: int) -> None:
        barrier.wait()
        try:
            outcomes.append(merge_contacts(workspace, keep, other, "same person")["id"])
        except (Conflict, NotFound) as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=merge, args=(reddit, bluesky)),
        threading.Thread(target=merge, args=(bluesky, reddit)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(o, int) for o in outcomes) == 1
    assert sum(isinstance(o, (Conflict, NotFound)) for o in outcomes) == 1
    (contact,) = list_contacts(workspace)
    assert len(contact["identities"]) == 2 and len(merge_log(workspace)) == 1
    build_contacts(workspace)
    assert len(list_contacts(workspace)) == 1


def test_contacts_sharing_an_email_merge_automatically(workspace, tmp_path):
    from escucha.community.merge import merge_automatically

    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["email", "handle:reddit"],
                  [["ana@example.org", "u/ana_one"], ["", "u/ana_two"]]),
        rejects_dir=tmp_path / "r",
    )  # fmt: skip
    second = contact_of(workspace, "reddit", "ana_two")
    # the same address, written in capitals, reaches the second contact by hand
    from escucha.store.schema import contact_emails

    with workspace.engine.begin() as conn:
        conn.execute(contact_emails.insert().values(
            contact_id=second, email="ANA@Example.org", email_key="ana@example.org"))  # fmt: skip
    assert merge_automatically(workspace) == 1
    (log,) = merge_log(workspace)
    assert "same email" in log["reason"]
    assert len(list_contacts(workspace)) == 1
