"""The whole path on posts: a wish becomes an idea, its asker is thanked when the test
closes (give:loop-closed), the idea moves along the backlog, and a tester's undisclosed post
about the product shows in the disclosure watch with a polite reminder."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.community.build import build_contacts
from escucha.community.rights import record_consent
from escucha.panels.consent import decide
from escucha.panels.define import create_panel
from escucha.panels.invite import invite
from escucha.panels.recruit import recruit
from escucha.panels.results import close_panel
from escucha.panels.watch import disclosure_watch
from escucha.store.schema import contact_identities, idea_posts, ideas, interactions, posts

INVITED = datetime(2026, 10, 1, tzinfo=UTC)


def _posts(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "author", "platform", "text", "created_at"])
        writer.writerows(rows)
    return path


def _setup(ws, tmp_path):
    ws.import_file(
        _posts(
            tmp_path / "p.csv",
            [
                (
                    "1",
                    "ana",
                    "reddit",
                    "Probando la Botella de Iberia: increíble, ¡compradla ya!",
                    "2026-10-20",
                ),
                ("2", "ana", "reddit", "Hoy llueve en Madrid", "2026-10-21"),
                (
                    "3",
                    "bo",
                    "reddit",
                    "Ojalá Iberia tuviera una botella reutilizable a bordo",
                    "2026-09-01",
                ),
            ],
        )
    )
    build_contacts(ws)
    with ws.engine.begin() as conn:
        owner = dict(
            conn.execute(
                sa.select(posts.c.native_id, contact_identities.c.contact_id).join(
                    contact_identities, contact_identities.c.author_id == posts.c.author_id
                )
            ).all()
        )
        now = datetime.now(UTC)
        idea_id = conn.execute(
            sa.insert(ideas)
            .returning(ideas.c.id)
            .values(
                key="es-x",
                title="una botella reutilizable",
                lang="es",
                status="planned",
                created_at=now,
                updated_at=now,
            )
        ).scalar_one()
        post_id = conn.scalar(sa.select(posts.c.id).where(posts.c.native_id == "3"))
        conn.execute(
            sa.insert(idea_posts).values(post_id=post_id, idea_id=idea_id, grouped_into=idea_id)
        )
    ana, bo = owner["1"], owner["3"]
    record_consent(ws, ana, True, channel="form", text_version="v1")  # only Ana is ask-ready
    return idea_id, ana, bo


def _idea_status(ws, idea_id):
    with ws.engine.connect() as conn:
        return conn.scalar(sa.select(ideas.c.status).where(ideas.c.id == idea_id))


def test_wish_idea_test_result_and_the_askers_hear_back(workspace, tmp_path):
    idea_id, ana, bo = _setup(workspace, tmp_path)
    panel = create_panel(workspace, "Botella", "all", 5, seed=3, product="Botella", idea_id=idea_id)
    drawn = recruit(workspace, panel["id"])
    assert drawn["selected"] == [ana]
    pool = {p["contact"]: p for p in drawn["pool"]}
    assert ana in pool and bo not in pool  # Bo asked, but is not ask-ready
    done = invite(workspace, panel["id"], now=INVITED)
    assert [i["contact"] for i in done["invited"]] == [ana]
    assert _idea_status(workspace, idea_id) == "testing"
    token = done["invited"][0]["url"].split("/t/")[1]
    decide(workspace, token, "accepted", "es")

    watch = disclosure_watch(workspace, panel["id"])
    assert [w["text"] for w in watch] == [
        "Probando la Botella de Iberia: increíble, ¡compradla ya!"
    ]
    assert watch[0]["contact_id"] == ana and "Iberia" in watch[0]["reminder"]["text"]
    assert watch[0]["reminder"]["verdict"] in ("ok", "review")

    closed = close_panel(workspace, panel["id"], "shipped", lang="es")
    assert "una botella reutilizable" in closed["texts"]["asked"]
    assert closed["loop_closed"] == {"testers": [ana], "askers": [bo]}
    with workspace.engine.connect() as conn:
        loops = sorted(
            conn.scalars(
                sa.select(interactions.c.contact_id).where(
                    interactions.c.kind == "give:loop-closed"
                )
            )
        )
    assert loops == sorted([ana, bo])
    assert _idea_status(workspace, idea_id) == "completed"


def test_a_declined_product_declines_the_idea(workspace, tmp_path):
    idea_id, _ana, _bo = _setup(workspace, tmp_path)
    panel = create_panel(workspace, "B", "all", 5, seed=3, idea_id=idea_id)
    recruit(workspace, panel["id"])
    invite(workspace, panel["id"], now=INVITED)
    close_panel(workspace, panel["id"], "declined", lang="en")
    assert _idea_status(workspace, idea_id) == "declined"
