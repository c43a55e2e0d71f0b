"""Free reports through the tester's link: a bug or a problem (with severity and steps) or a
suggestion. Each is read by the same models as posts (understand/: language and the
complaint and wish intents; the sentiment is not kept) and stored once per form: the form
carries a one-time submission key, unique per test, so the same form posted twice is one
report.

A report that names an earlier report of another tester (`confirms`) confirms it; the
participation score counts reports confirmed by others.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.panels.links import find_tester
from escucha.store.schema.panels import panel_feedback

if TYPE_CHECKING:
    from escucha.understand.reader import PostReader

KINDS = ("bug", "problem", "suggestion")
SEVERITIES = ("low", "medium", "high", "critical")
REPORTING = ("accepted", "shipped", "active", "completed")
MAX_TEXT = 5000


@lru_cache(maxsize=4)
def _reader(languages: tuple[str, ...] | None) -> PostReader:
    """The models, loaded once per process (loading takes seconds; a form post must not)."""
    from escucha.understand.reader import load_reader

    return load_reader(languages)


def read_text(ctx: Context, text: str) -> dict:
    """The models' reading of a report: language and intents (no sentiment kept)."""
    from escucha.understand.reader import SUPPORTED_LANGUAGES

    wanted = tuple(c for c in ctx.config.languages if c in SUPPORTED_LANGUAGES) or None
    reading = _reader(wanted).read([text])[0]
    return {"lang": reading.lang, "intents": list(reading.intent_labels)}


def submit(
    ctx: Context,
    token: str,
    *,
    kind: str,
    text: str,
    submission: str,
    severity: str | None = None,
    steps: str | None = None,
    phase: int | None = None,
    confirms: int | None = None,
    now: datetime | None = None,
) -> dict:
    """Store one report (once per submission key); return {"id", "stored"}."""
    if kind not in KINDS:
        raise UserError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise UserError(f"text: 1 to {MAX_TEXT} characters")
    steps = (steps or "").strip() or None
    if steps is not None and len(steps) > MAX_TEXT:
        raise UserError(f"steps: at most {MAX_TEXT} characters")
    if kind == "suggestion":
        severity = None
    elif severity not in SEVERITIES:
        raise UserError(f"severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    if not submission or len(submission) > 128:
        raise UserError("the form's submission key is missing")
    key = hashlib.sha256(submission.encode("utf-8")).hexdigest()
    now = now or datetime.now(UTC)
    with ctx.engine.connect() as conn:
        tester = find_tester(conn, token)
        if tester.status not in REPORTING:
            raise Conflict(f"reports are open to testers who accepted the terms ({tester.status})")
        if tester.panel_status == "closed":
            raise Conflict("this product test is closed")
        known = conn.scalar(
            sa.select(panel_feedback.c.id).where(
                panel_feedback.c.panel_id == tester.panel_id, panel_feedback.c.submission == key
            )
        )
        if (
            confirms is not None
            and conn.scalar(
                sa.select(panel_feedback.c.id).where(
                    panel_feedback.c.id == confirms, panel_feedback.c.panel_id == tester.panel_id
                )
            )
            is None
        ):
            raise UserError(f"confirms: no report {confirms} in this test")
    if known is not None:
        return {"id": known, "stored": False}
    row = {
        "panel_id": tester.panel_id,
        "tester_id": tester.id,
        "kind": kind,
        "severity": severity,
        "phase": phase,
        "text": text,
        "steps": steps,
        "confirms": confirms,
        "reading": read_text(ctx, text),
        "submission": key,
        "created_at": now,
    }
    try:
        with ctx.engine.begin() as conn:
            new = conn.execute(sa.insert(panel_feedback).returning(panel_feedback.c.id), row)
            return {"id": new.scalar_one(), "stored": True}
    except IntegrityError:  # the same form, posted twice at the same moment
        with ctx.engine.connect() as conn:
            known = conn.scalar(
                sa.select(panel_feedback.c.id).where(
                    panel_feedback.c.panel_id == tester.panel_id, panel_feedback.c.submission == key
                )
            )
        return {"id": known, "stored": False}


def feedback_rows(ctx: Context, panel_id: int) -> list[dict]:
    """Every report of the test, oldest first; `contact_id` None once a tester is erased."""
    from escucha.store.schema.panels import panel_testers

    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(panel_feedback, panel_testers.c.contact_id)
            .outerjoin(panel_testers, panel_testers.c.id == panel_feedback.c.tester_id)
            .where(panel_feedback.c.panel_id == panel_id)
            .order_by(panel_feedback.c.id)
        ).all()
    return [
        {
            "id": r.id,
            "tester_id": r.tester_id,
            "contact_id": r.contact_id,
            "kind": r.kind,
            "severity": r.severity,
            "phase": r.phase,
            "text": r.text,
            "steps": r.steps,
            "confirms": r.confirms,
            "lang": (r.reading or {}).get("lang"),
            "intents": list((r.reading or {}).get("intents", [])),
            "created_at": r.created_at,
        }
        for r in rows
    ]
