"""The inbox: which posts enter it, their priority and reasons, answers found in threads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from escucha.engage.inbox import InboxFilters, list_inbox, refresh_inbox, set_status, thread
from escucha.errors import NotFound, UserError
from escucha.store.schema import inbox_items

from .helpers import NOW, add_post, asking_post, mentions_us, read_as


def _items(ws, **filters) -> list[dict]:
    return list_inbox(ws, InboxFilters(**filters), now=NOW)


def test_questions_complaints_and_wishes_about_us_enter_once(workspace):
    question = asking_post(workspace, "1", "¿Iberia deja llevar bici?", "question")
    complaint = asking_post(workspace, "2", "Iberia perdió mi maleta", "complaint")
    wish = asking_post(workspace, "3", "Ojalá Iberia tuviera wifi", "wish")
    praise = add_post(workspace, "4", "Iberia es genial")
    read_as(workspace, praise, "praise")
    mentions_us(workspace, praise)
    elsewhere = add_post(workspace, "5", "¿Alguien sabe si llueve?")
    read_as(workspace, elsewhere, "question")
    assert refresh_inbox(workspace, NOW).added == 3
    assert refresh_inbox(workspace, NOW).added == 0  # idempotent
    items = _items(workspace)
    assert [i["post_id"] for i in items] == [complaint, question, wish]
    assert {i["intent"] for i in items} == {"complaint", "question", "wish"}
    assert all(i["status"] == "new" for i in items)
    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(inbox_items)) == 3


def test_replies_to_our_accounts_enter_without_naming_us(workspace):
    ours = add_post(workspace, "10", "Novedades de verano", author="iberia")
    read_as(workspace, ours, "promo")
    reply = add_post(workspace, "11", "¿Y cuándo empieza?", parent="10")
    read_as(workspace, reply, "question")
    own_question = add_post(workspace, "12", "¿Qué destino preferís?", author="iberia")
    read_as(workspace, own_question, "question")
    mentions_us(workspace, own_question)
    refresh_inbox(workspace, NOW)
    assert [i["post_id"] for i in _items(workspace)] == [reply]


def test_priority_states_its_reasons(workspace):
    loud = asking_post(workspace, "1", "¿Iberia?", "question", author="famosa", followers=25_000,
                       hours_ago=30)  # fmt: skip
    quiet = asking_post(workspace, "2", "Iberia me falló", "complaint", author="luis",
                        hours_ago=0.1)  # fmt: skip
    again = asking_post(workspace, "3", "Iberia otra vez", "wish", author="luis", hours_ago=0.1)
    refresh_inbox(workspace, NOW)
    items = {i["post_id"]: i for i in _items(workspace)}
    assert items[loud]["priority"] == 2 + 2 + 2
    assert items[loud]["reasons"] == [
        "question (+2)",
        "reach: 25,000 followers (+2)",
        "waiting 1 d 6 h (+2)",
    ]
    assert items[quiet]["reasons"] == [
        "complaint (+3)",
        "repeated asker: 2 posts in the inbox (+1)",
    ]
    assert items[quiet]["priority"] == 4 and items[again]["priority"] == 2
    assert [i["post_id"] for i in _items(workspace)] == [loud, quiet, again]


def test_the_reach_is_the_authors_followers_when_they_last_asked(workspace):
    first = asking_post(workspace, "1", "¿Iberia?", "question", author="famosa", followers=900)
    refresh_inbox(workspace, NOW)
    assert "reach: 900 followers (+0.5)" in _items(workspace)[0]["reasons"]
    # a collection raises the count: the item keeps the one it was ranked with...
    asking_post(workspace, "9", "Iberia es genial", "praise", author="famosa", followers=12_000)
    refresh_inbox(workspace, NOW)
    assert "reach: 900 followers (+0.5)" in _items(workspace)[0]["reasons"]
    # ...until the author asks again: then every item of theirs takes the new count
    again = asking_post(workspace, "2", "¿Iberia, y mi maleta?", "complaint", author="famosa")
    refresh_inbox(workspace, NOW)
    items = {i["post_id"]: i for i in _items(workspace)}
    for post_id in (first, again):
        assert "reach: 12,000 followers (+2)" in items[post_id]["reasons"]
    assert items[first]["author"] == items[again]["author"] == "famosa"


def test_filters_by_status_intent_language_source_and_assignee(workspace):
    first = asking_post(workspace, "1", "¿Iberia?", "question")
    second = asking_post(workspace, "2", "Iberia mal", "complaint", source="sky",
                         platform="bluesky")  # fmt: skip
    english = add_post(workspace, "3", "Iberia lost my bag")
    read_as(workspace, english, "complaint", lang="en")
    mentions_us(workspace, english)
    refresh_inbox(workspace, NOW)
    set_status(workspace, first, "assigned", by="cli", assignee="marta")
    assert [i["post_id"] for i in _items(workspace, status=("assigned",))] == [first]
    assert [i["post_id"] for i in _items(workspace, assignee="marta")] == [first]
    assert {i["post_id"] for i in _items(workspace, intent=("complaint",))} == {second, english}
    assert [i["post_id"] for i in _items(workspace, lang=("en",))] == [english]
    assert [i["post_id"] for i in _items(workspace, source=("sky",))] == [second]
    with pytest.raises(UserError, match="unknown status 'open'"):
        _items(workspace, status=("open",))
    with pytest.raises(UserError, match="unknown intent 'praise'"):
        _items(workspace, intent=("praise",))
    with pytest.raises(UserError, match="assign needs a person"):
        set_status(workspace, first, "assigned", by="cli", assignee=" ")
    with pytest.raises(NotFound):
        set_status(workspace, 9999, "closed", by="cli")


def test_our_reply_in_the_thread_answers_whichever_tool_sent_it(workspace):
    asked = asking_post(workspace, "1", "¿Iberia deja llevar bici?", hours_ago=3)
    deep = asking_post(workspace, "2", "Iberia, ¿y el perro?", "question", root="0", hours_ago=2)
    closed = asking_post(workspace, "3", "Iberia, ¿y el gato?", "question", hours_ago=2)
    refresh_inbox(workspace, NOW)
    set_status(workspace, closed, "closed", by="cli")
    add_post(workspace, "r1", "Sí, en bodega", author="Iberia", parent="1", hours_ago=1)
    add_post(workspace, "r2", "Mira las normas", author="@iberia", parent="1b", root="0",
             hours_ago=1.5)  # fmt: skip
    add_post(workspace, "r3", "Los gatos viajan en cabina", author="iberia", parent="3",
             hours_ago=1)  # fmt: skip
    add_post(workspace, "x", "yo también quiero saber", author="otra", parent="1")
    assert refresh_inbox(workspace, NOW).answered == 3
    items = {i["post_id"]: i for i in _items(workspace)}
    assert items[asked]["status"] == "answered"
    assert items[asked]["response_seconds"] == 2 * 3600
    assert items[deep]["status"] == "answered" and items[deep]["response_seconds"] == 1800
    assert items[closed]["status"] == "closed"  # a person's decision stays
    assert items[closed]["first_response_at"] is not None
    assert refresh_inbox(workspace, NOW).answered == 0
    around = thread(workspace, asked)
    assert [(p["native_id"], p["ours"], p["selected"]) for p in around] == [
        ("1", False, True),
        ("r1", True, False),
        ("x", False, False),
    ]


def test_mastodon_threads_without_root_ids_are_walked_up_by_their_parents(workspace):
    # Mastodon gives no root id: the asker asks (1), a friend chips in (2), the asker follows
    # up (3) and we answer the follow-up (r). The first question is answered too; another
    # thread, and a post of someone else below 1, answer nothing.
    first = asking_post(workspace, "1", "¿Iberia deja llevar bici?", hours_ago=5)
    add_post(workspace, "2", "Yo también quiero saberlo", author="luis", parent="1",
             hours_ago=4.5)  # fmt: skip
    follow = asking_post(workspace, "3", "Iberia, ¿y si es plegable?", parent="2", hours_ago=4)
    other = asking_post(workspace, "9", "Iberia, ¿y el perro?", hours_ago=4)
    add_post(workspace, "n", "ni idea", author="marta", parent="3", hours_ago=3.5)
    refresh_inbox(workspace, NOW)
    assert refresh_inbox(workspace, NOW).answered == 0
    add_post(workspace, "r", "Sí, plegada en bodega", author="iberia", parent="3", hours_ago=3)
    assert refresh_inbox(workspace, NOW).answered == 2
    items = {i["post_id"]: i for i in _items(workspace)}
    assert items[follow]["status"] == items[first]["status"] == "answered"
    assert items[first]["response_seconds"] == 2 * 3600
    assert items[follow]["response_seconds"] == 3600
    assert items[other]["status"] == "new"
    with workspace.engine.connect() as conn:
        rows = conn.execute(select(inbox_items.c.post_id, inbox_items.c.answer_native_id))
        answers = {post_id: answer for post_id, answer in rows}
    assert answers == {first: "r", follow: "r", other: None}


def test_a_circle_of_parents_ends_the_walk(workspace):
    asked = asking_post(workspace, "a", "Iberia, ¿hay wifi?", parent="b", hours_ago=3)
    add_post(workspace, "b", "Iberia responde", author="iberia", parent="a", hours_ago=2)
    assert refresh_inbox(workspace, NOW).answered == 1
    assert _items(workspace)[0]["post_id"] == asked


def test_a_new_model_version_or_new_handles_rescan_everything(workspace, monkeypatch):
    asking_post(workspace, "1", "¿Iberia?")
    refresh_inbox(workspace, NOW)
    from escucha.engage import inbox

    monkeypatch.setattr(inbox, "_fingerprint", lambda ctx, version: "other")
    with workspace.engine.begin() as conn:
        conn.execute(inbox_items.delete())
    assert refresh_inbox(workspace, NOW).added == 1


def test_waiting_counts_only_while_open(workspace):
    post = asking_post(workspace, "1", "¿Iberia?", hours_ago=48)
    refresh_inbox(workspace, NOW)
    set_status(workspace, post, "no_reply_needed", by="cli")
    (item,) = _items(workspace)
    assert item["reasons"] == ["question (+2)"] and item["status"] == "no_reply_needed"
    later = list_inbox(workspace, now=NOW + timedelta(days=3))
    assert later[0]["priority"] == 2


def test_forgetting_the_asker_erases_their_inbox_items_and_drafts(workspace):
    from escucha.community.build import build_contacts
    from escucha.community.rights import forget_contact
    from escucha.community.views import list_contacts
    from escucha.engage.drafts import Actor, approve_draft, create_draft
    from escucha.store.schema import draft_approvals, drafts

    post = asking_post(workspace, "1", "¿Iberia deja llevar bici?", author="ana")
    refresh_inbox(workspace, NOW)
    draft = create_draft(workspace, post, "Sí, en bodega.")
    approve_draft(workspace, draft["draft_id"], Actor("marta", "admin"))
    build_contacts(workspace)
    (contact,) = list_contacts(workspace)
    forget_contact(workspace, contact["id"])
    with workspace.engine.connect() as conn:
        for table in (inbox_items, drafts, draft_approvals):
            assert conn.scalar(select(func.count()).select_from(table)) == 0
    assert refresh_inbox(workspace, NOW).added == 0
