"""The terms a tester accepts or declines through their personal link, and withdrawal at
any time. Each decision is a row with the terms' text version and language; withdrawing
drops the tester (the reason says so, and a loan still to be returned)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.panels.links import find_tester
from escucha.panels.testers import set_status
from escucha.store.schema.panels import panel_consents

DECISIONS = ("accepted", "declined")
OPEN = ("invited",)
WITHDRAWABLE = ("accepted", "shipped", "active")


def decide(ctx: Context, token: str, decision: str, lang: str, now: datetime | None = None) -> str:
    """Record the tester's answer to the terms; return their status after it. Answering
    again the same way changes nothing (a form posted twice)."""
    if decision not in DECISIONS:
        raise UserError(f"decision {decision!r}: accepted or declined")
    now = now or datetime.now(UTC)
    with ctx.engine.begin() as conn:
        tester = find_tester(conn, token)
        if tester.panel_status == "closed":
            raise Conflict("this product test is closed")
        if tester.status == decision:
            return decision
        if tester.status not in OPEN:
            raise Conflict(f"the terms were already answered ({tester.status})")
        conn.execute(
            panel_consents.insert().values(
                tester_id=tester.id,
                decision=decision,
                text_version=tester.terms_version,
                lang=lang,
                recorded_at=now,
            )
        )
        set_status(
            conn, tester.id, decision, reason=f"terms {tester.terms_version}", at=now, by="tester"
        )
    return decision


def withdraw(ctx: Context, token: str, lang: str, now: datetime | None = None) -> str:
    """The tester leaves the test: recorded, status dropped with the reason."""
    now = now or datetime.now(UTC)
    with ctx.engine.begin() as conn:
        tester = find_tester(conn, token)
        if tester.status == "dropped":
            return "dropped"
        if tester.status not in WITHDRAWABLE:
            raise Conflict(f"nothing to withdraw from ({tester.status})")
        reason = "withdrew consent"
        if tester.received and tester.receives == "loan":
            reason += f"; loan to be returned: {tester.received}"
        conn.execute(
            panel_consents.insert().values(
                tester_id=tester.id,
                decision="withdrawn",
                text_version=tester.terms_version,
                lang=lang,
                recorded_at=now,
            )
        )
        set_status(conn, tester.id, "dropped", reason=reason, at=now, by="tester")
    return "dropped"


def consents_of(ctx: Context, tester_id: int) -> list[dict]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(panel_consents)
            .where(panel_consents.c.tester_id == tester_id)
            .order_by(panel_consents.c.id)
        ).all()
    return [
        {
            "decision": r.decision,
            "text_version": r.text_version,
            "lang": r.lang,
            "recorded_at": r.recorded_at.isoformat(),
        }
        for r in rows
    ]
