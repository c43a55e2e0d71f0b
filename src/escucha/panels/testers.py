"""Testers while a test runs: their status with its history, what they received, the phases
they completed and the reminders they were sent (capped).

Statuses: selected (drawn), invited, accepted, declined, shipped, active, completed, dropped.
Every change is a row in `panel_tester_events` with who made it and why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, NotFound, UserError
from escucha.panels.define import get_panel
from escucha.panels.links import new_link
from escucha.store.schema.panels import (
    panel_reminders,
    panel_tester_events,
    panel_testers,
)

STATUSES = (
    "selected",
    "invited",
    "accepted",
    "declined",
    "shipped",
    "active",
    "completed",
    "dropped",
)
MARKABLE = STATUSES[2:]
MAX_REMINDERS = 2
REMIND_AFTER_DAYS = 3


def record_event(
    conn: sa.Connection, tester_id: int, status: str, reason: str | None, at: datetime, by: str
) -> None:
    conn.execute(
        panel_tester_events.insert().values(
            tester_id=tester_id, status=status, reason=reason, at=at, by=by
        )
    )


def set_status(
    conn: sa.Connection,
    tester_id: int,
    status: str,
    *,
    reason: str | None,
    at: datetime,
    by: str,
    extra: dict | None = None,
) -> None:
    values = {"status": status, "updated_at": at, **(extra or {})}
    if status == "dropped":
        values["drop_reason"] = reason
    conn.execute(panel_testers.update().where(panel_testers.c.id == tester_id).values(**values))
    record_event(conn, tester_id, status, reason, at, by)


def tester_of(conn: sa.Connection, panel_id: int, contact_id: int) -> sa.Row:
    row = conn.execute(
        sa.select(panel_testers).where(
            panel_testers.c.panel_id == panel_id, panel_testers.c.contact_id == contact_id
        )
    ).first()
    if row is None:
        raise NotFound(f"contact {contact_id} is not a tester of product test {panel_id}")
    return row


def mark(
    ctx: Context,
    panel_id: int,
    contact_id: int,
    status: str,
    *,
    reason: str | None = None,
    received: str | None = None,
    phase: int | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Set a tester's status (with a reason for a drop), what they received, a phase done."""
    if status not in MARKABLE:
        raise UserError(f"status {status!r}: use one of {', '.join(MARKABLE)}")
    if reason is not None and len(reason) > 1000:
        raise UserError("--reason: at most 1000 characters")
    if status == "dropped" and not (reason or "").strip():
        raise UserError("--reason: say why the tester dropped out (it goes in the report)")
    if received is not None and not 1 <= len(received.strip()) <= 1000:
        raise UserError("--received: 1 to 1000 characters")
    now = now or datetime.now(UTC)
    with ctx.engine.begin() as conn:
        panel = get_panel(ctx, panel_id, conn)
        if panel["status"] == "closed":
            raise Conflict(f"product test {panel_id} is closed")
        row = tester_of(conn, panel_id, contact_id)
        if row.status == "selected":
            raise Conflict(
                f"contact {contact_id} was drawn but not invited yet "
                f"(escucha panels invite {panel_id})"
            )
        extra: dict = {}
        if received is not None:
            extra |= {"received": received.strip(), "received_at": now}
        if phase is not None:
            positions = {p["position"] for p in panel["phases"]}
            if phase not in positions:
                raise UserError(
                    f"--phase {phase}: the test's phases are "
                    f"{', '.join(map(str, sorted(positions))) or 'none'}"
                )
            done = list(row.phases_done or [])
            if phase not in done:
                extra["phases_done"] = [*done, phase]
        set_status(conn, row.id, status, reason=reason, at=now, by=by, extra=extra)
    return show_tester(ctx, panel_id, contact_id)


def show_tester(ctx: Context, panel_id: int, contact_id: int) -> dict:
    with ctx.engine.connect() as conn:
        row = tester_of(conn, panel_id, contact_id)
        history = conn.execute(
            sa.select(panel_tester_events)
            .where(panel_tester_events.c.tester_id == row.id)
            .order_by(panel_tester_events.c.at, panel_tester_events.c.id)
        ).all()
    return _public(row) | {
        "history": [
            {"status": e.status, "reason": e.reason, "at": e.at.isoformat(), "by": e.by}
            for e in history
        ]
    }


def _public(row: sa.Row) -> dict:
    return {
        "tester_id": row.id,
        "contact_id": row.contact_id,
        "status": row.status,
        "cell": row.cell,
        "received": row.received,
        "received_at": row.received_at.isoformat() if row.received_at else None,
        "phases_done": list(row.phases_done or []),
        "reminders": row.reminders,
        "invited_at": row.invited_at.isoformat() if row.invited_at else None,
        "drop_reason": row.drop_reason,
        "updated_at": row.updated_at.isoformat(),
    }


def list_testers(ctx: Context, panel_id: int) -> list[dict]:
    get_panel(ctx, panel_id)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(panel_testers)
            .where(panel_testers.c.panel_id == panel_id)
            .order_by(panel_testers.c.id)
        ).all()
    return [_public(r) for r in rows]


def remind(
    ctx: Context,
    panel_id: int,
    *,
    after_days: int = REMIND_AFTER_DAYS,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Remind testers who owe an answer or a phase: at most MAX_REMINDERS each, never two
    within `after_days`. Returns who was reminded and who was not (capped)."""
    if after_days < 1:
        raise UserError("--after-days must be at least 1")
    now = now or datetime.now(UTC)
    panel = get_panel(ctx, panel_id)
    if panel["status"] != "running":
        raise Conflict(f"product test {panel_id} is {panel['status']}: nobody to remind")
    phases = len(panel["phases"])
    reminded, capped = [], []
    with ctx.engine.begin() as conn:
        rows = conn.execute(
            sa.select(panel_testers).where(
                panel_testers.c.panel_id == panel_id,
                panel_testers.c.status.in_(("invited", "accepted", "shipped", "active")),
            )
        ).all()
        for row in rows:
            if row.status != "invited" and len(row.phases_done or []) >= phases:
                continue  # nothing owed
            last = conn.scalar(
                sa.select(sa.func.max(panel_reminders.c.sent_at)).where(
                    panel_reminders.c.tester_id == row.id
                )
            )
            since = last or row.invited_at or row.updated_at
            if since is not None and now - since < timedelta(days=after_days):
                continue
            if row.reminders >= MAX_REMINDERS:
                capped.append(row.contact_id)
                continue
            reason = "no answer to the invitation" if row.status == "invited" else "phase due"
            conn.execute(
                panel_reminders.insert().values(tester_id=row.id, reason=reason, sent_at=now)
            )
            conn.execute(
                panel_testers.update()
                .where(panel_testers.c.id == row.id)
                .values(reminders=panel_testers.c.reminders + 1)
            )
            url = new_link(ctx, conn, row.id)  # only the hash is kept: a fresh link to send
            reminded.append(
                {
                    "contact_id": row.contact_id,
                    "reason": reason,
                    "reminder": row.reminders + 1,
                    "url": url,
                }
            )
    return {
        "panel_id": panel_id,
        "reminded": reminded,
        "capped": capped,
        "max_reminders": MAX_REMINDERS,
    }
