"""What the faces page through: contacts filtered, searched and paged by id; a contact's posts;
a rejected suggestion that stays rejected."""

from __future__ import annotations

import pytest

from escucha.community.build import build_contacts
from escucha.community.importer import import_contacts
from escucha.community.merge import merge_contacts
from escucha.community.resolve import reject_suggestion, suggestions
from escucha.community.rights import opt_out, record_consent
from escucha.community.views import browse_contacts, contact_posts
from escucha.errors import NotFound, UserError

from .helpers import contact_of, posts_file, write_csv


@pytest.fixture
def people(workspace, tmp_path):
    """Four authors (two pairs sharing a handle name across platforms) and two imported
    contacts: one with consent and an email, one opted out."""
    workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "anagarcia", "reddit", "primer post"), ("2", "anagarcia.bsky.social", "bluesky", "b"),
        ("3", "luisperez", "reddit", "50%_off"), ("4", "luisperez.bsky.social", "bluesky", "c"),
        ("5", "anagarcia", "reddit", "segundo post")]))  # fmt: skip
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email", "lang", "country", "opted_out"],
                  [["Marta Ruiz", "Marta@Example.org", "es", "ES", ""],
                   ["Olga", "olga@example.org", "en", "GB", "true"]]),
        rejects_dir=tmp_path / "r",
    )  # fmt: skip
    build_contacts(workspace)
    marta = browse_contacts(workspace, search="marta")[0][0]["id"]
    record_consent(workspace, marta, True, channel="email", text_version="1")
    return workspace


def _ids(found) -> list[int]:
    return [c["id"] for c in found]


def test_contacts_are_filtered_searched_and_paged_by_id(people):
    ws = people
    everyone, cursor = browse_contacts(ws, limit=100)
    assert cursor is None and len(everyone) == 6 and _ids(everyone) == sorted(_ids(everyone))
    seen, cursor = [], None
    while True:
        page, cursor = browse_contacts(ws, after=cursor, limit=4)
        seen += _ids(page)
        if cursor is None:
            break
        assert cursor == page[-1]["id"]
    assert seen == _ids(everyone)
    (marta,) = browse_contacts(ws, search="EXAMPLE.ORG", opted_out=False)[0]
    assert marta["name"] == "Marta Ruiz" and marta["ready"] is True
    assert _ids(browse_contacts(ws, ready=True)[0]) == [marta["id"]]
    assert len(browse_contacts(ws, ready=False)[0]) == 5
    (olga,) = browse_contacts(ws, opted_out=True)[0]
    assert olga["name"] == "Olga" and olga["reason_codes"][0] == "opted_out"
    assert _ids(browse_contacts(ws, lang="en", country="GB")[0]) == [olga["id"]]
    assert len(browse_contacts(ws, search="@AnaGarcia")[0]) == 2  # handles on both platforms
    assert browse_contacts(ws, search="%")[0] == []  # wildcards are taken literally
    assert browse_contacts(ws, search="_")[0] == []
    record_consent(ws, marta["id"], False, channel="email", text_version="2")  # withdrawn
    assert browse_contacts(ws, ready=True)[0] == []  # an earlier yes does not make her ready
    record_consent(ws, marta["id"], True, channel="email", text_version="3")
    assert _ids(browse_contacts(ws, ready=True)[0]) == [marta["id"]]
    opt_out(ws, marta["id"])
    assert browse_contacts(ws, ready=True)[0] == []


def test_a_ready_page_fills_up_past_contacts_that_are_not(people):
    page, cursor = browse_contacts(people, ready=False, limit=2)
    assert len(page) == 2 and cursor == page[-1]["id"]
    rest, last = browse_contacts(people, ready=False, after=cursor, limit=10)
    assert len(rest) == 3 and last is None and not set(_ids(page)) & set(_ids(rest))


def test_a_contacts_posts_newest_first(people):
    ana = contact_of(people, "reddit", "anagarcia")
    posts = contact_posts(people, ana)
    assert [p["text"] for p in posts] == ["segundo post", "primer post"]  # same day: id order
    assert {p["platform"] for p in posts} == {"reddit"} and posts[0]["handle"] == "anagarcia"
    assert contact_posts(people, 10_000) == []


def test_a_rejected_suggestion_is_not_suggested_again(people):
    ana = contact_of(people, "reddit", "anagarcia")
    ana_b = contact_of(people, "bluesky", "anagarcia.bsky.social")
    luis = contact_of(people, "reddit", "luisperez")
    luis_b = contact_of(people, "bluesky", "luisperez.bsky.social")
    pairs = [s["contacts"] for s in suggestions(people)]
    assert sorted([ana, ana_b]) in pairs and sorted([luis, luis_b]) in pairs
    reject_suggestion(people, luis_b, luis, by="maria")
    reject_suggestion(people, luis, luis_b, by="maria")  # twice is the same decision
    pairs = [s["contacts"] for s in suggestions(people)]
    assert sorted([luis, luis_b]) not in pairs and sorted([ana, ana_b]) in pairs
    merge_contacts(people, luis, luis_b, "same person after all", "maria")  # a person still may
    with pytest.raises(UserError):
        reject_suggestion(people, ana, ana)
    with pytest.raises(NotFound):
        reject_suggestion(people, ana, 10_000)
