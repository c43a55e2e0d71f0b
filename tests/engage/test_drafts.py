"""Reply drafts: the guard's verdict kept with each, the approval rule, overrides, bad input."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from escucha.engage.drafts import (
    MAX_DRAFT_CHARS,
    Actor,
    approve_draft,
    create_draft,
    get_draft,
    list_drafts,
)
from escucha.errors import Conflict, Forbidden, NotFound, UserError
from escucha.store.schema import draft_approvals, draft_overrides, drafts

from .helpers import add_post, asking_post

ADMIN = Actor("marta", "admin")
ANALYST = Actor("luis", "analyst")
CLEAN = "Hola Ana, lo siento mucho. Escríbenos por privado y lo miramos contigo."
SELLING = "¡Compra ya! 30% de descuento con el código VERANO30, solo hoy. Últimas plazas."


@pytest.fixture
def ws(engage_ws):
    return engage_ws()


@pytest.fixture
def post(ws) -> int:
    return asking_post(ws, "1", "Iberia perdió mi maleta", "complaint")


def test_a_draft_keeps_the_guards_verdict(ws, post):
    draft = create_draft(ws, post, CLEAN, by="luis")
    assert draft["verdict"] == "ok" and draft["flags"] == [] and draft["status"] == "pending"
    selling = create_draft(ws, post, SELLING, by="luis")
    assert selling["verdict"] in ("review", "block") and "hard_sell" in selling["flags"]
    assert selling["reasons"]
    stored = get_draft(ws, selling["draft_id"])
    assert (stored["verdict"], stored["flags"]) == (selling["verdict"], selling["flags"])
    assert [d["draft_id"] for d in list_drafts(ws, "pending")] == [
        selling["draft_id"],
        draft["draft_id"],
    ]


def test_bad_drafts_are_one_clear_error_and_store_nothing(ws, post):
    with pytest.raises(UserError, match="the draft is empty"):
        create_draft(ws, post, "  \n ")
    with pytest.raises(UserError, match="102,400 characters; a reply holds at most 40,000"):
        create_draft(ws, post, "a" * 102_400)
    with pytest.raises(NotFound, match="no post 999"):
        create_draft(ws, 999, CLEAN)
    with pytest.raises(UserError, match="no snippet 'nada'"):
        create_draft(ws, post, snippet="nada")
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(drafts)) == 0
    assert len(create_draft(ws, post, "b" * MAX_DRAFT_CHARS)["text"]) == MAX_DRAFT_CHARS


def test_emoji_html_and_other_languages_are_kept_as_written(ws, post):
    emoji = create_draft(ws, post, "🙏❤️✈️")
    assert emoji["text"] == "🙏❤️✈️" and emoji["lang"] is None and emoji["verdict"] == "ok"
    html = '<script>alert("x")</script><b>Hola</b> &amp; gracias'
    stored = create_draft(ws, post, html)
    assert get_draft(ws, stored["draft_id"])["text"] == html  # plain text, never rendered
    french = create_draft(ws, post, "Bonjour, nous sommes désolés pour votre valise perdue.")
    assert french["lang"] == "fr"
    assert french["notes"] == ["the post is in es; this draft is in fr"]
    assert french["verdict"] in ("ok", "review", "block")


def test_snippets_start_a_draft_in_the_posts_language(ws, post, tmp_path):
    draft = create_draft(ws, post, snippet="private_message")
    assert draft["text"].startswith("Hola @ana, ¿nos escribes por mensaje privado")
    assert draft["snippet"] == "private_message" and draft["status"] == "pending"
    english = add_post(ws, "2", "Iberia lost my bag", author="bob")
    from .helpers import mentions_us, read_as

    read_as(ws, english, "complaint", lang="en")
    mentions_us(ws, english)
    assert create_draft(ws, english, "Booking ABC?", snippet="sorry")["text"] == (
        "We are very sorry about what happened, @bob. It is not what we want for anyone."
        "\n\nBooking ABC?"
    )
    (ws.path / "snippets.toml").write_text('[sorry]\nes = "Perdón, {author}."\n', encoding="utf-8")
    assert create_draft(ws, post, snippet="sorry")["text"] == "Perdón, @ana."


def test_approval_by_an_admin(ws, post):
    draft = create_draft(ws, post, CLEAN, by="luis")["draft_id"]
    with pytest.raises(Forbidden, match='approval = "admin" in \\[engage\\]'):
        approve_draft(ws, draft, ANALYST)
    with pytest.raises(Forbidden, match="may not approve"):
        approve_draft(ws, draft, Actor("vera", "viewer"))
    with pytest.raises(UserError, match="not blocked"):
        approve_draft(ws, draft, ADMIN, override_reason="why not")
    done = approve_draft(ws, draft, ADMIN)
    assert (done["status"], done["approved_by"]) == ("approved", "marta")
    with pytest.raises(Conflict, match="already approved"):
        approve_draft(ws, draft, ADMIN)
    with pytest.raises(NotFound):
        approve_draft(ws, 999, ADMIN)


def test_approval_by_a_second_person(engage_ws):
    ws = engage_ws(approval="second_person")
    post = asking_post(ws, "1", "Iberia perdió mi maleta", "complaint")
    draft = create_draft(ws, post, CLEAN, by="luis")["draft_id"]
    with pytest.raises(Forbidden, match="written by luis; someone else approves it"):
        approve_draft(ws, draft, ANALYST)
    assert approve_draft(ws, draft, Actor("ana", "analyst"))["approved_by"] == "ana"


def test_a_blocked_draft_needs_an_admins_written_reason(ws, post):
    blocked = _blocked_draft(ws, post)
    with pytest.raises(UserError, match=r"blocked by the guard.*--override-reason"):
        approve_draft(ws, blocked, ADMIN)
    with pytest.raises(Forbidden):
        approve_draft(ws, blocked, ANALYST, override_reason="ok")
    done = approve_draft(ws, blocked, ADMIN, override_reason="the code is a refund we owe her")
    assert done["overrides"][0]["reason"] == "the code is a refund we owe her"
    with ws.engine.connect() as conn:
        (log,) = conn.execute(select(draft_overrides)).all()
    assert (log.overridden_by, log.verdict) == ("marta", "block")


def _blocked_draft(ws, post) -> int:
    """A draft stored with a `block` verdict. The guard blocks an undisclosed material
    connection, which our brand's own account never has, so the state is written here."""
    draft = create_draft(ws, post, SELLING)
    with ws.engine.begin() as conn:
        conn.execute(
            drafts.update()
            .where(drafts.c.id == draft["draft_id"])
            .values(verdict="block", flags=json.loads('["hard_sell"]'))
        )
    return draft["draft_id"]


def test_two_approvers_at_the_same_moment_leave_one_approval(ws, post):
    draft = create_draft(ws, post, CLEAN, by="luis")["draft_id"]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def approve(name: str) -> None:
        barrier.wait()
        try:
            outcomes.append(approve_draft(ws, draft, Actor(name, "admin"))["approved_by"])
        except Conflict as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=approve, args=(n,)) for n in ("marta", "jose")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [o for o in outcomes if isinstance(o, str)]
    assert len(names) == 1 and sum(isinstance(o, Conflict) for o in outcomes) == 1
    with ws.engine.connect() as conn:
        (row,) = conn.execute(select(draft_approvals)).all()
    assert row.approved_by == names[0]
    assert get_draft(ws, draft)["status"] == "approved"


def test_a_reply_asking_a_favour_of_a_contact_not_ready_is_flagged(ws, post):
    from escucha.community.build import build_contacts
    from escucha.community.rights import opt_out
    from escucha.community.views import list_contacts

    build_contacts(ws)
    (contact,) = list_contacts(ws)
    opt_out(ws, contact["id"])
    draft = create_draft(ws, post, "Hola Ana, ¿nos ayudas respondiendo a nuestra encuesta?")
    assert "ask_not_ready" in draft["flags"] and draft["verdict"] == "review"


def test_a_snippet_for_a_post_without_author_names_nobody(ws):
    from escucha.engage.snippets import snippet_text

    assert snippet_text(ws, "thanks", "es", None) == "Gracias por contárnoslo."
    assert snippet_text(ws, "looking_into_it", "en", None).startswith("Hi, we are looking")
