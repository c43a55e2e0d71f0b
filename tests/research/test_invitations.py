"""Inviting a segment: only ask-ready contacts, who was left out and why, a personal link
and an `ask:survey` per invitation, the guard on the text, and the one reminder; the CLI."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from escucha.community.importer import import_contacts
from escucha.community.segments import SegmentFilters, create_segment
from escucha.errors import UserError
from escucha.research.invitations import invite_segment, remind
from escucha.research.links import LinkRefused
from escucha.research.responses import Paradata, responses_frame, save_page, start_response
from escucha.store.schema import interactions
from escucha.store.schema.research import survey_invitations

from .helpers import run_cli
from .survey_form import PAGE_1, live_survey

SALES_PITCH = (
    "Compra ya el nuevo bono de Iberia con un 50% de descuento, ¡solo hoy! "
    "Reserva ahora y rellena la encuesta"
)


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def people(workspace, tmp_path):
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email", "lang", "country", "opted_out", "consent"],
                  [["Ana", "ana@example.org", "es", "ES", "", "yes"],
                   ["Bo", "bo@example.org", "en", "US", "true", "yes"],
                   ["Cy", "cy@example.org", "en", "MX", "", ""]]),
        rejects_dir=tmp_path / "r",
    )  # fmt: skip
    create_segment(workspace, "all", SegmentFilters())
    create_segment(workspace, "everyone", SegmentFilters(), "analysis")
    return workspace


def _ledger(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return conn.execute(
            sa.select(interactions.c.contact_id, interactions.c.kind, interactions.c.ref)
        ).all()


def test_only_ask_ready_contacts_are_invited_and_the_rest_are_named(people):
    survey_id = live_survey(people)
    done = invite_segment(people, survey_id, "everyone")
    assert [i["name"] for i in done["invited"]] == ["Ana"]
    left = {item["name"]: item["reasons"] for item in done["left_out"]}
    assert set(left) == {"Bo", "Cy"} and left["Bo"] and left["Cy"]
    assert done["guard"] == {"es": "ok"}
    invitation = done["invited"][0]
    assert "/s/" in invitation["url"] and invitation["url"] in invitation["text"]
    ana = invitation["contact_id"]
    assert _ledger(people) == [(ana, "ask:survey", f"survey:{survey_id}")]
    # the personal link: tied to Ana, her language, used once
    token = invitation["url"].split("/s/")[1]
    started = start_response(people, token, Paradata(address="198.51.100.1"), salt=b"x" * 32)
    save_page(people, started.resume_token, 0, PAGE_1, seconds=1)
    row = responses_frame(people, survey_id).iloc[0]
    assert row["contact_id"] == ana and row["source"] == "invitation" and row["lang"] == "es"
    with pytest.raises(LinkRefused, match="already used"):
        start_response(people, token, Paradata(), salt=b"x" * 32)
    again = invite_segment(people, survey_id, "everyone")
    assert again["invited"] == [] and ["already invited to this survey"] in [
        i["reasons"] for i in again["left_out"]
    ]


def test_a_sales_pitch_is_refused_and_nobody_is_invited(people):
    survey_id = live_survey(people)
    with pytest.raises(UserError, match="the guard refuses this invitation"):
        invite_segment(people, survey_id, "all", text=SALES_PITCH)
    assert _ledger(people) == []
    with people.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(survey_invitations)) == 0


def test_one_reminder_after_the_configured_days_with_a_fresh_link(people):
    survey_id = live_survey(people)
    sent = datetime.now(UTC) - timedelta(days=8)
    first = invite_segment(people, survey_id, "all", now=sent)["invited"][0]
    assert remind(people, survey_id, now=sent + timedelta(days=6))["reminded"] == []
    done = remind(people, survey_id)
    assert len(done["reminded"]) == 1 and done["reminded"][0]["url"] != first["url"]
    assert remind(people, survey_id, now=datetime.now(UTC) + timedelta(days=30))["reminded"] == []
    with pytest.raises(LinkRefused, match="withdrawn"):
        start_response(people, first["url"].split("/s/")[1], Paradata(), salt=b"x" * 32)
    assert len(_ledger(people)) == 1  # a reminder is not another ask
    message = done["reminded"][0]
    assert message["text"].endswith(message["url"]) and message["draft_id"] == first["draft_id"]


def test_the_reminder_waits_the_configured_days(people):
    import dataclasses

    survey_id = live_survey(people)
    people.config = dataclasses.replace(
        people.config, extra={"research": {"reminder_after_days": 2}}
    )
    sent = datetime.now(UTC) - timedelta(days=3)
    invite_segment(people, survey_id, "all", now=sent)
    assert remind(people, survey_id, now=sent + timedelta(days=1))["reminded"] == []
    done = remind(people, survey_id, now=sent + timedelta(days=2, minutes=1))
    assert len(done["reminded"]) == 1 and done["after_days"] == 2
    assert remind(people, survey_id)["reminded"] == []  # at most one


def test_the_cli_contracts(people, capsys):
    ws = str(people.path)
    survey_id = live_survey(people)
    code, out, err = run_cli(capsys, "-w", ws, "surveys", "link", str(survey_id),
                             "--source", "newsletter", "--json")  # fmt: skip
    assert code == 0, err
    url = json.loads(out)["url"]
    assert list(json.loads(out)) == ["url"]
    assert url.startswith("http://127.0.0.1:8000/s/") and url.endswith("?src=newsletter")
    quotas = ("--set", "country=ES:100", "--set", "country=MX:50", "--json")
    code, out, err = run_cli(capsys, "-w", ws, "surveys", "quota", str(survey_id), *quotas)
    assert code == 0, err
    assert [(q["category"], q["cap"]) for q in json.loads(out)["quotas"]] == [
        ("ES", 100),
        ("MX", 50),
    ]
    code, out, err = run_cli(capsys, "-w", ws, "surveys", "quota", str(survey_id), "--set", "ES")
    assert code == 1 and "VARIABLE=CATEGORY:CAP" in err and "Traceback" not in err
    code, out, err = run_cli(capsys, "-w", ws, "surveys", "invite", str(survey_id),
                             "--segment", "all", "--json")  # fmt: skip
    assert code == 0, err
    assert [i["name"] for i in json.loads(out)["invited"]] == ["Ana"]
    code, out, err = run_cli(capsys, "-w", ws, "surveys", "link", "99", "--json")
    assert code == 1 and "no survey 99" in err


def test_the_invitation_text_is_a_draft_and_each_contact_keeps_their_own_link(people):
    from escucha.engage.drafts import Actor, approve_draft, get_draft, list_drafts
    from escucha.engage.publish import publish_draft
    from escucha.errors import Conflict

    survey_id = live_survey(people)
    done = invite_segment(people, survey_id, "all", by="luis")
    (draft,) = list_drafts(people)
    assert (draft["kind"], draft["source"], draft["status"]) == ("invitation", None, "pending")
    assert done["drafts"] == {"es": {"draft_id": draft["draft_id"], "status": "pending",
                                     "verdict": draft["verdict"]}}  # fmt: skip
    assert draft["created_by"] == "luis" and draft["text"] in done["invited"][0]["text"]
    with people.engine.connect() as conn:
        stored = conn.execute(sa.select(survey_invitations)).all()
    assert [row.draft_id for row in stored] == [draft["draft_id"]]
    assert len({i["url"] for i in done["invited"]}) == len(done["invited"])
    # a personal invitation is approved like any draft, and never published by escucha
    approve_draft(people, draft["draft_id"], Actor("marta", "admin"))
    with pytest.raises(Conflict, match="personal invitations"):
        publish_draft(people, draft["draft_id"])
    assert get_draft(people, draft["draft_id"])["status"] == "approved"


def test_a_refused_invitation_stays_a_draft_and_only_an_admin_approval_lets_it_through(people):
    from escucha.engage.drafts import Actor, approve_draft, list_drafts

    survey_id = live_survey(people)
    with pytest.raises(UserError, match=r"refuses this invitation \(draft \d+"):
        invite_segment(people, survey_id, "all", text=SALES_PITCH)
    (blocked,) = list_drafts(people)
    assert blocked["kind"] == "invitation" and "hard_sell" in blocked["flags"]
    with pytest.raises(UserError, match="once a person approves it"):
        invite_segment(people, survey_id, "all", draft_id=blocked["draft_id"])
    assert _ledger(people) == []
    block = blocked["verdict"] == "block"
    reason = "the discount is the community's own request" if block else None
    approve_draft(people, blocked["draft_id"], Actor("marta", "admin"), override_reason=reason)
    done = invite_segment(people, survey_id, "all", draft_id=blocked["draft_id"])
    assert [i["name"] for i in done["invited"]] == ["Ana"]
    assert done["invited"][0]["text"].startswith(SALES_PITCH)
    assert len(list_drafts(people)) == 1  # reused, not written again


def test_the_invite_output_is_in_the_workspace_language(people, capsys):
    survey_id = live_survey(people)  # the workspace's languages: es, en
    code, out, err = run_cli(capsys, "-w", str(people.path), "surveys", "invite", str(survey_id),
                             "--segment", "everyone")  # fmt: skip
    assert code == 0, err
    assert out.startswith("invitados 1, fuera 2") and "envía los mensajes cuando" in out
    assert "contacto " in out and "fuera " in out
