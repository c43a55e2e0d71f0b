"""The backlog on the store (SQLite and PostgreSQL): refresh, list, show, status, merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from escucha.errors import UserError
from escucha.ideas import (
    idea_askers,
    list_ideas,
    merge,
    refresh_ideas,
    set_status,
    show_idea,
    unmerge,
)
from escucha.store.schema import idea_posts, ideas, posts

from .corpus import IDEAS, START, corpus_rows, expected_groups
from .seed import add_posts


def _groups(workspace) -> dict[str, frozenset[str]]:
    """Idea title -> native ids of its posts."""
    with workspace.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ideas.c.title, posts.c.native_id).select_from(
                idea_posts.join(ideas, ideas.c.id == idea_posts.c.idea_id).join(
                    posts, posts.c.id == idea_posts.c.post_id
                )
            )
        ).all()
    found: dict[str, set[str]] = {}
    for title, native_id in rows:
        found.setdefault(title, set()).add(native_id)
    return {t: frozenset(ids) for t, ids in found.items()}


def _idea_of(workspace, native_id: str) -> dict:
    return next(i for i in list_ideas(workspace) if native_id in _native_ids(workspace, i["id"]))


def _native_ids(workspace, idea_id: int) -> set[str]:
    return {p["native_id"] for p in show_idea(workspace, idea_id)["posts"]}


@pytest.fixture
def backlog(workspace):
    add_posts(workspace, corpus_rows())
    add_posts(
        workspace,
        [  # not wishes: never in an idea
            {"native_id": "c1", "text": "My bag is lost", "created_at": START, "lang": "en"},
            {"native_id": "c2", "text": "Free wifi!!", "created_at": START, "lang": "en"},
        ],
    )
    refresh_ideas(workspace)
    return workspace


def test_refresh_groups_the_corpus_into_its_known_ideas(backlog):
    assert set(_groups(backlog).values()) == expected_groups()
    listed = list_ideas(backlog)
    assert len(listed) == 5 and {i["lang"] for i in listed} == {"es", "en"}
    assert [i["posts"] for i in listed] == [3, 3, 3, 2, 2]  # most posts first
    legroom = _idea_of(backlog, "legroom-ana")
    assert legroom["askers"] == 3 and legroom["status"] == "open"
    assert legroom["first_seen"] == START
    assert legroom["trend"] == [0, 0, 0, 3] and legroom["trend_days"] == 7


def test_refresh_is_idempotent(backlog):
    before = _groups(backlog)
    assert refresh_ideas(backlog) == {
        "posts_added": 0, "ideas_created": 0, "posts_left_out": 0, "service_requests": 0
    }  # fmt: skip
    assert _groups(backlog) == before


def _assignments(workspace) -> set[tuple[int, int]]:
    with workspace.engine.connect() as conn:
        return set(conn.execute(sa.select(idea_posts.c.post_id, idea_posts.c.idea_id)).all())


def test_new_wishes_join_the_right_idea_and_old_posts_never_move(backlog):
    before = _assignments(backlog)
    later = START + timedelta(days=2)
    new = [
        ("n-wifi", "en", "please make the wifi free on board"),
        ("n-ench", "es", "Ojalá más enchufes en los asientos"),
        ("n-pets", "en", "let us fly with our dogs in the cabin"),
    ]
    add_posts(
        backlog,
        [
            {"native_id": n, "lang": lang, "text": text, "created_at": later}
            | {"intents": ["wish"], "author": "newbie"}
            for n, lang, text in new
        ],
    )
    assert refresh_ideas(backlog) == {
        "posts_added": 3, "ideas_created": 1, "posts_left_out": 0, "service_requests": 0
    }  # fmt: skip
    assert _assignments(backlog) >= before
    assert _idea_of(backlog, "n-wifi")["id"] == _idea_of(backlog, "wifi-dan")["id"]
    assert _idea_of(backlog, "n-ench")["id"] == _idea_of(backlog, "enchufes-ines")["id"]
    pets = _idea_of(backlog, "n-pets")
    assert _native_ids(backlog, pets["id"]) == {"n-pets"} and pets["lang"] == "en"
    assert _idea_of(backlog, "wifi-dan")["last_seen"] == later


def test_show_lists_quotes_and_askers(backlog):
    idea = _idea_of(backlog, "enchufes-juan")
    shown = show_idea(backlog, idea["id"])
    assert [p["author"] for p in shown["posts"]] == ["ines", "juan", "kika"]
    assert shown["posts"][1]["quote"].startswith("Deberían poner enchufes")
    askers = idea_askers(backlog, idea["id"])
    assert [(a["handle"], a["source"], a["posts"]) for a in askers] == [
        ("ines", "test", 1),
        ("juan", "test", 1),
        ("kika", "test", 1),
    ]


def test_merge_keeps_every_asker_and_unmerge_restores(backlog):
    wifi = _idea_of(backlog, "wifi-dan")["id"]
    legroom = _idea_of(backlog, "legroom-ana")["id"]
    set_status(backlog, wifi, "planned")
    merged = merge(backlog, wifi, legroom)
    assert merged["id"] == legroom
    handles = {a["handle"] for a in idea_askers(backlog, legroom)}
    assert handles == {"ana", "ben", "cal", "dan", "eve", "fay"}
    listed = {i["id"]: i for i in list_ideas(backlog)}
    assert wifi not in listed and listed[legroom]["posts"] == 6
    everything = {i["id"]: i for i in list_ideas(backlog, include_duplicates=True)}
    assert everything[wifi]["status"] == "duplicate" and everything[wifi]["merged_into"] == legroom
    assert show_idea(backlog, legroom)["duplicates"] == [wifi]
    with pytest.raises(UserError, match="already merged"):
        merge(backlog, wifi, legroom)
    with pytest.raises(UserError, match="duplicate of"):
        set_status(backlog, wifi, "open")
    restored = unmerge(backlog, wifi)
    assert restored["status"] == "planned" and restored["merged_into"] is None
    assert {a["handle"] for a in idea_askers(backlog, wifi)} == {"dan", "eve", "fay"}
    assert {a["handle"] for a in idea_askers(backlog, legroom)} == {"ana", "ben", "cal"}
    assert set(_groups(backlog).values()) == expected_groups()


def test_merge_chains_move_posts_along_and_refuse_cycles(backlog):
    wifi = _idea_of(backlog, "wifi-dan")["id"]
    legroom = _idea_of(backlog, "legroom-ana")["id"]
    boarding = _idea_of(backlog, "boarding pass-gus")["id"]
    merge(backlog, wifi, legroom)
    merge(backlog, legroom, boarding)
    assert len(idea_askers(backlog, boarding)) == 8
    with pytest.raises(UserError, match="itself a duplicate"):
        merge(backlog, boarding, legroom)
    with pytest.raises(UserError, match="into itself"):
        merge(backlog, boarding, boarding)
    unmerge(backlog, legroom)  # wifi stays a duplicate of legroom: its posts come along
    assert len(idea_askers(backlog, legroom)) == 6
    assert len(idea_askers(backlog, boarding)) == 2


def test_status_changes_are_validated(backlog):
    idea = list_ideas(backlog)[0]["id"]
    assert set_status(backlog, idea, " Started ")["status"] == "started"
    assert list_ideas(backlog, status="started")[0]["id"] == idea
    with pytest.raises(UserError, match="unknown status 'shipped': use one of open, planned"):
        set_status(backlog, idea, "shipped")
    with pytest.raises(UserError, match="escucha ideas merge"):
        set_status(backlog, idea, "duplicate")
    with pytest.raises(UserError, match="no idea #999"):
        set_status(backlog, 999, "open")
    with pytest.raises(UserError, match="unknown status"):
        list_ideas(backlog, status="shipped")


def test_trends_end_at_each_languages_newest_post(workspace):
    """English data collected a year after the Spanish: the Spanish ideas' trend still shows
    their posts (it ends at the newest Spanish post, not at the newest post of any language)."""
    add_posts(workspace, corpus_rows())
    later = START + timedelta(days=365)
    add_posts(
        workspace,
        [{"native_id": "late-en", "text": "Nice flight", "created_at": later, "lang": "en"}],
    )
    refresh_ideas(workspace)
    by_lang = {i["lang"]: i for i in list_ideas(workspace) if i["posts"] == 3}
    assert by_lang["es"]["trend"] == [0, 0, 0, 3]
    assert by_lang["en"]["trend"] == [0, 0, 0, 0]  # English ends a year after its wishes


def test_trends_end_at_the_newest_post_of_the_ideas_own_sources(workspace):
    """A later source with a post read as English (the demo's Spanish tweets do this) does
    not push the English ideas' trend past their own data."""
    add_posts(workspace, corpus_rows())
    later = START + timedelta(days=365)
    add_posts(
        workspace,
        [{"native_id": "es-read-as-en", "text": "Nice flight", "created_at": later,
          "lang": "en", "source": "spanish_tweets"}],
    )  # fmt: skip
    refresh_ideas(workspace)
    english = [i for i in list_ideas(workspace) if i["lang"] == "en" and i["posts"] == 3]
    assert english and all(i["trend"] == [0, 0, 0, 3] for i in english)


def test_an_idea_with_one_asker_is_a_lead(backlog):
    ideas_now = list_ideas(backlog)
    assert ideas_now and all(i["lead"] == (i["askers"] < 2) for i in ideas_now)
    assert not any(i["lead"] for i in ideas_now)  # every corpus idea has two or three askers
    add_posts(
        backlog,
        [{"native_id": "pets", "text": "let us fly with our dogs in the cabin",
          "created_at": START + timedelta(days=4), "intents": ["wish"], "author": "pat"}],
    )  # fmt: skip
    refresh_ideas(backlog)
    assert _idea_of(backlog, "pets")["lead"] is True


def test_service_requests_and_unstated_wishes_found_no_idea(backlog):
    """A request about the person's own case stays with the inbox; a wish that states no
    request may join an idea (here: wifi) but never founds one."""
    later = START + timedelta(days=3)
    new = [
        ("s-dm", "en", "@united can you please follow me so I can DM you"),
        ("s-es", "es", "@Iberia por favor ayudadme con mi maleta"),
        ("u-wifi", "en", "free wifi on board, like other airlines have"),
        ("u-none", "en", "seats in Row 8 don't recline #soreback"),
    ]
    add_posts(
        backlog,
        [
            {"native_id": n, "lang": lang, "text": text, "created_at": later}
            | {"intents": ["wish"], "author": "someone"}
            for n, lang, text in new
        ],
    )
    before = len(list_ideas(backlog))
    done = refresh_ideas(backlog)
    assert done == {
        "posts_added": 1,
        "ideas_created": 0,
        "posts_left_out": 3,
        "service_requests": 2,
    }
    assert _idea_of(backlog, "u-wifi")["id"] == _idea_of(backlog, "wifi-dan")["id"]
    assert len(list_ideas(backlog)) == before


def test_ideas_are_named_by_the_request_their_posts_make(backlog):
    titles = {_idea_of(backlog, f"{name}-{posts[0][0]}")["title"]
              for name, (_, posts) in IDEAS.items()}  # fmt: skip
    assert "offer free wifi on board" in titles  # the one of three that opens with a verb
    assert "give us more legroom in economy seats" in titles
    assert {"tener enchufes en el asiento", "ofrecer comida vegetariana a bordo"} <= titles
