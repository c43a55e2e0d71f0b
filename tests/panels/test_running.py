"""A running test: invitations (ask:test, readiness, the guard, personal links), the terms,
withdrawal after shipping, statuses and capped reminders, reports stored once, erasing a
tester mid-test, the participation score, the disclosure watch, the report and closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from escucha.community.rights import forget_contact
from escucha.errors import Conflict, UserError
from escucha.panels.consent import decide, withdraw
from escucha.panels.define import create_panel
from escucha.panels.feedback import submit
from escucha.panels.invite import invite
from escucha.panels.quality import scores
from escucha.panels.recruit import recruit
from escucha.panels.results import close_panel, panel_results
from escucha.panels.testers import mark, remind, show_tester
from escucha.store.schema import interactions
from escucha.store.schema.panels import panel_consents, panel_feedback, panel_testers

from .helpers import crowd, people


def _token(url: str) -> str:
    return url.split("/t/")[1]


@pytest.fixture
def running(workspace, tmp_path):
    """Four testers invited to a two-phase test; returns (ws, panel id, contact -> token)."""
    people(workspace, tmp_path, crowd(4))
    panel = create_panel(
        workspace,
        "Bottle",
        "all",
        4,
        seed=1,
        product="Botella",
        phases=["unboxing", "week 1"],
        receives="loan",
    )
    recruit(workspace, panel["id"])
    done = invite(workspace, panel["id"])
    return workspace, panel["id"], {i["contact"]: _token(i["url"]) for i in done["invited"]}


def _kinds(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return sorted(
            conn.execute(
                sa.select(interactions.c.contact_id, interactions.c.kind, interactions.c.ref)
            ).all()
        )


def test_invitations_are_asks_with_a_personal_link_and_the_guard(running):
    ws, panel_id, tokens = running
    assert len(tokens) == 4
    assert _kinds(ws) == sorted((c, "ask:test", f"panel:{panel_id}") for c in tokens)
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(panel_testers)).all()
    stored = {r.token_hash for r in rows}
    assert all(len(h) == 64 for h in stored) and not stored & set(tokens.values())
    assert {r.status for r in rows} == {"invited"}
    # the invited are now asked: a second test cannot ask them again (cooldown)
    other = create_panel(ws, "Other", "all", 4, seed=2)
    drawn = recruit(ws, other["id"])
    assert drawn["selected"] == []
    assert all("product test" in i["reason"] for i in drawn["left_out"])


def test_invite_respects_ask_readiness_at_invitation_time(workspace, tmp_path):
    from escucha.community.rights import opt_out

    ids = people(workspace, tmp_path, crowd(3))
    panel = create_panel(workspace, "T", "all", 3, seed=1)
    recruit(workspace, panel["id"])
    opt_out(workspace, ids["P01"])
    done = invite(workspace, panel["id"])
    assert ids["P01"] not in {i["contact"] for i in done["invited"]}
    assert [i["contact"] for i in done["left_out"]] == [ids["P01"]]
    assert "opted out" in done["left_out"][0]["reason"]
    assert (ids["P01"], "ask:test", f"panel:{panel['id']}") not in _kinds(workspace)


def test_the_terms_are_accepted_or_declined_with_their_version(running):
    ws, _panel_id, tokens = running
    (_a, ta), (_b, tb) = list(tokens.items())[:2]
    assert decide(ws, ta, "accepted", "es") == "accepted"
    assert decide(ws, ta, "accepted", "es") == "accepted"  # posted twice: recorded once
    assert decide(ws, tb, "declined", "en") == "declined"
    with pytest.raises(Conflict):
        decide(ws, tb, "accepted", "en")
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                panel_consents.c.decision, panel_consents.c.text_version, panel_consents.c.lang
            )
        ).all()
    assert sorted(rows) == [
        ("accepted", "panel-terms-1", "es"),
        ("declined", "panel-terms-1", "en"),
    ]


def test_a_tester_who_withdraws_after_shipping_is_dropped_with_the_loan_noted(running):
    ws, panel_id, tokens = running
    contact, token = next(iter(tokens.items()))
    decide(ws, token, "accepted", "es")
    mark(ws, panel_id, contact, "shipped", received="unit #12 (loan)")
    assert withdraw(ws, token, "es") == "dropped"
    detail = show_tester(ws, panel_id, contact)
    assert detail["status"] == "dropped" and "withdrew consent" in detail["drop_reason"]
    assert "loan to be returned: unit #12 (loan)" in detail["drop_reason"]
    assert [h["status"] for h in detail["history"]] == [
        "selected",
        "invited",
        "accepted",
        "shipped",
        "dropped",
    ]
    with ws.engine.connect() as conn:
        decisions = list(
            conn.scalars(sa.select(panel_consents.c.decision).order_by(panel_consents.c.id))
        )
    assert decisions == ["accepted", "withdrawn"]
    result = panel_results(ws, panel_id)
    assert result["dropouts"][0]["count"] == 1
    assert "withdrew consent" in result["dropouts"][0]["reason"]
    with pytest.raises(UserError, match="reports are open"):
        submit(ws, token, kind="suggestion", text="x", submission="k")


def test_mark_refuses_bad_input(running):
    ws, panel_id, tokens = running
    contact = next(iter(tokens))
    with pytest.raises(UserError, match="status"):
        mark(ws, panel_id, contact, "happy")
    with pytest.raises(UserError, match="--reason"):
        mark(ws, panel_id, contact, "dropped")
    with pytest.raises(UserError, match="--phase 7"):
        mark(ws, panel_id, contact, "active", phase=7)
    done = mark(ws, panel_id, contact, "active", phase=1)
    assert done["phases_done"] == [1]


def test_reminders_are_capped(running):
    ws, panel_id, tokens = running
    now = datetime.now(UTC)
    first = remind(ws, panel_id, now=now + timedelta(days=4))
    assert len(first["reminded"]) == 4 and all("/t/" in r["url"] for r in first["reminded"])
    assert remind(ws, panel_id, now=now + timedelta(days=5))["reminded"] == []  # too soon
    assert len(remind(ws, panel_id, now=now + timedelta(days=8))["reminded"]) == 4
    third = remind(ws, panel_id, now=now + timedelta(days=12))
    assert third["reminded"] == [] and sorted(third["capped"]) == sorted(tokens)
    # the old link stops working once a reminder carries a new one
    with pytest.raises(Exception, match="not valid"):
        decide(ws, next(iter(tokens.values())), "accepted", "es")


def test_the_same_report_form_posted_twice_is_stored_once(running):
    ws, _panel_id, tokens = running
    token = next(iter(tokens.values()))
    decide(ws, token, "accepted", "es")
    form = {
        "kind": "bug",
        "severity": "high",
        "text": "El tapón gotea al darle la vuelta",
        "steps": "llenar, cerrar, invertir",
        "submission": "form-1",
    }
    first = submit(ws, token, **form)
    second = submit(ws, token, **form)
    assert first["stored"] and not second["stored"] and first["id"] == second["id"]
    assert submit(ws, token, **(form | {"submission": "form-2"}))["stored"]
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(panel_feedback)) == 2
        reading = conn.scalar(sa.select(panel_feedback.c.reading))
    assert reading["lang"] == "es" and "sentiment" not in reading
    with pytest.raises(UserError, match="severity"):
        submit(ws, token, kind="bug", text="x", submission="form-3")
    with pytest.raises(UserError, match="kind"):
        submit(ws, token, kind="photo", text="x", submission="form-3")


def test_an_erased_tester_keeps_their_anonymous_feedback_in_the_aggregates(running):
    ws, panel_id, tokens = running
    contact, token = next(iter(tokens.items()))
    decide(ws, token, "accepted", "es")
    submit(
        ws,
        token,
        kind="problem",
        severity="medium",
        text="La tapa cuesta de abrir",
        submission="s1",
    )
    from escucha.community.rights import export_contact
    from escucha.panels.recruit import recorded_draw

    exported = export_contact(ws, contact)["product_tests"]
    assert [t["status"] for t in exported] == ["accepted"]
    assert exported[0]["reports"][0]["text"] == "La tapa cuesta de abrir"
    assert exported[0]["consents"][0]["decision"] == "accepted"
    assert "token_hash" not in exported[0]
    name = crowd(4)[0][0]  # the log never held names
    assert name not in str(recorded_draw(ws, panel_id))
    forget_contact(ws, contact)
    result = panel_results(ws, panel_id)
    assert result["reports"]["total"] == 1 and result["issues"][0]["count"] == 1
    assert result["statuses"]["accepted"] == 1
    frame = ws.panel(panel_id).feedback()
    assert len(frame) == 1 and frame["contact_id"].isna().all()
    testers = ws.panel(panel_id).testers()
    assert len(testers) == 4 and testers["contact_id"].isna().sum() == 1


def test_two_testers_with_the_same_effort_and_opposite_opinions_score_the_same(running):
    ws, panel_id, tokens = running
    (a, ta), (b, tb) = list(tokens.items())[:2]
    for contact, token in ((a, ta), (b, tb)):
        decide(ws, token, "accepted", "en")
        mark(ws, panel_id, contact, "active", phase=1)
    submit(
        ws,
        ta,
        kind="suggestion",
        submission="a",
        text="I love this bottle: the lid seals perfectly and the water stays cold until evening",
    )
    submit(
        ws,
        tb,
        kind="suggestion",
        submission="b",
        text="I hate this bottle: the lid leaks constantly and the water turns warm before lunch",
    )
    found = scores(ws, panel_id)
    by_contact = {v["contact_id"]: v for v in found.values()}
    assert by_contact[a]["score"] == by_contact[b]["score"] > 0
    # effort does count: a third tester who did nothing scores lower
    (c, tc) = list(tokens.items())[2]
    decide(ws, tc, "accepted", "en")
    assert {v["contact_id"]: v for v in scores(ws, panel_id).values()}[c]["score"] < (
        by_contact[a]["score"]
    )


def test_a_report_confirmed_by_another_tester_raises_the_score(running):
    ws, panel_id, tokens = running
    (a, ta), (_b, tb) = list(tokens.items())[:2]
    decide(ws, ta, "accepted", "en")
    decide(ws, tb, "accepted", "en")
    first = submit(ws, ta, kind="bug", severity="low", text="The lid squeaks", submission="1")
    before = {v["contact_id"]: v for v in scores(ws, panel_id).values()}[a]
    submit(
        ws,
        tb,
        kind="bug",
        severity="low",
        text="Mine squeaks too",
        submission="2",
        confirms=first["id"],
    )
    after = {v["contact_id"]: v for v in scores(ws, panel_id).values()}[a]
    assert before["confirmed"] == 0 and after["confirmed"] == 1
    assert after["score"] > before["score"]


def test_closing_drafts_the_notes_records_loop_closed_and_moves_the_idea(running):
    ws, panel_id, tokens = running
    token = next(iter(tokens.values()))
    decide(ws, token, "accepted", "en")
    with pytest.raises(UserError, match="--outcome"):
        close_panel(ws, panel_id, "maybe")
    done = close_panel(ws, panel_id, "shipped", lang="en")
    assert done["guard"]["thanks"] in ("ok", "review")
    assert "Thank you for testing Botella" in done["texts"]["thanks"]
    loops = [k for k in _kinds(ws) if k[1] == "give:loop-closed"]
    assert len(loops) == 4  # the invited testers (declined ones are not thanked)
    with pytest.raises(Conflict):
        close_panel(ws, panel_id, "shipped")


def test_the_report_has_the_caveats_and_escapes_testers_words(running):
    from escucha.panels.page import render_report

    ws, panel_id, tokens = running
    token = next(iter(tokens.values()))
    decide(ws, token, "accepted", "es")
    submit(
        ws,
        token,
        kind="bug",
        severity="critical",
        submission="x",
        text="<script>alert(1)</script> se rompe el cierre",
    )
    result = panel_results(ws, panel_id)
    assert result["caveats"] == ["caveat_self_selected", "caveat_no_margin", "caveat_small"]
    html_es = render_report(result, "es")
    html_en = render_report(result, "en")
    assert "<script>alert" not in html_es and "&lt;script&gt;" in html_es
    assert "autoseleccionada" in html_es and "self-selected" in html_en
    assert "Crítica" in html_es and "Critical" in html_en
