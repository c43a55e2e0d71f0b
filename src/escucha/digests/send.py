"""Sending a digest's period once, through its sent-log (`digest_sends`, unique on digest and
period; escucha.store.sentlog): the period's row is `sending` while one attempt is under way,
`sent` once the server or webhook accepted it, `failed` (with the error) when it refused, and
a failed or stale period is tried again by a later run. A resend carries the same Message-ID /
Idempotency-Key, so the receiver can tell."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from escucha.digests.schedule import Digest, get_digest, list_digests, period_for
from escucha.store.schema import digest_sends
from escucha.store.sentlog import SentLog

if TYPE_CHECKING:
    from escucha.core.context import Context
    from escucha.digests.content import DigestContent
    from escucha.insights.periods import Period

log = logging.getLogger("escucha.digests")
SENDS = SentLog(digest_sends, ("digest_id", "period_start"), in_progress="sending")


def _key(digest_id: int, period: Period) -> dict:
    return {"digest_id": digest_id, "period_start": period.start}


def _claim(ctx: Context, digest_id: int, period: Period, now: datetime) -> int | None:
    """Take the period for this attempt: its row's id; None when it was sent or another
    attempt runs."""
    with ctx.engine.begin() as conn:
        return SENDS.claim(conn, _key(digest_id, period), now, period_end=period.end)


def _state(ctx: Context, digest_id: int, period: Period) -> str | None:
    with ctx.engine.connect() as conn:
        return conn.scalar(
            select(digest_sends.c.status).where(*SENDS.where(_key(digest_id, period)))
        )


def deliver(ctx: Context, digest: Digest, content: DigestContent) -> None:
    """Send the rendered digest to its target (raises DeliveryError)."""
    from escucha.digests.content import render_html, render_text
    from escucha.digests.deliver import digest_settings, post_webhook, send_email

    settings = digest_settings(ctx.config.extra)
    subject, text = render_text(ctx, content)
    html = render_html(ctx, content)
    if digest.channel == "email":
        send_email(ctx.path, settings, digest.target, subject, text, html, content.key)
    else:
        body = {**content.data(), "subject": subject, "text": text, "html": html}
        post_webhook(ctx.path, settings, digest.target, body, content.key)


def send_digest(
    ctx: Context,
    digest_id: int,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> dict:
    """Send the digest's last whole period before `now`, once.

    `status` is `sent`, `already_sent` (nothing sent now), `in_progress` (another attempt
    holds it), or `dry_run` with the `subject`, `text` and `html` that would be sent. A
    refused delivery is written down as `failed` and raised (DeliveryError)."""
    from escucha.digests.content import build_digest, digest_key, render_html, render_text
    from escucha.digests.deliver import DeliveryError, digest_settings

    now = now or datetime.now(UTC)
    digest = get_digest(ctx, digest_id)
    period = period_for(digest.every, now)
    out = {
        "digest": digest.id,
        "period": period.text(),
        "key": digest_key(digest.id, period),
        "to": f"{digest.channel}:{digest.shown_target}",
    }
    if dry_run:
        content = build_digest(ctx, digest, period)
        subject, text = render_text(ctx, content)
        return out | {
            "status": "dry_run",
            "subject": subject,
            "text": text,
            "html": render_html(ctx, content),
        }
    digest_settings(ctx.config.extra)  # a wrong [digests] table stops here, before the claim
    row_id = _claim(ctx, digest.id, period, now)
    if row_id is None:
        state = _state(ctx, digest.id, period)
        return out | {"status": "already_sent" if state == "sent" else "in_progress"}
    try:
        with SENDS.failures(ctx.engine, row_id, DeliveryError):
            deliver(ctx, digest, build_digest(ctx, digest, period))
    except DeliveryError as exc:
        log.warning("digest %s for %s failed: %s", digest.id, period.text(), exc)
        raise
    SENDS.mark_sent(ctx.engine, row_id)
    return out | {"status": "sent"}


def due_digests(ctx: Context, now: datetime | None = None) -> list[int]:
    """The digests whose last whole period is not sent yet (and not being sent, nor failed
    sentlog.MAX_ATTEMPTS times)."""
    now = now or datetime.now(UTC)
    due = []
    with ctx.engine.connect() as conn:
        for digest in list_digests(ctx):
            period = period_for(digest.every, now)
            row = conn.execute(
                select(digest_sends.c.id).where(
                    *SENDS.where(_key(digest.id, period)), ~SENDS.retryable(now)
                )
            ).first()
            if row is None:
                due.append(digest.id)
    return due


def send_due(ctx: Context, now: datetime | None = None) -> list[dict]:
    """Send every due digest now, in this process (SQLite, cron): each outcome, errors
    included as `failed` with their message."""
    from escucha.digests.deliver import DeliveryError

    outcomes = []
    for digest_id in due_digests(ctx, now):
        try:
            outcomes.append(send_digest(ctx, digest_id, now=now))
        except DeliveryError as exc:
            outcomes.append({"digest": digest_id, "status": "failed", "error": str(exc)})
    return outcomes


def sent_log(ctx: Context, digest_id: int | None = None, limit: int = 50) -> list[dict]:
    """The latest periods sent or tried, newest first."""
    from escucha.core.timeutil import as_utc

    query = select(digest_sends).order_by(digest_sends.c.id.desc()).limit(limit)
    if digest_id is not None:
        query = query.where(digest_sends.c.digest_id == digest_id)
    with ctx.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "digest": r.digest_id,
            "period": f"{r.period_start.isoformat()}:{r.period_end.isoformat()}",
            "status": r.status,
            "attempts": r.attempts,
            "sent_at": as_utc(r.sent_at),
            "error": r.error,
        }
        for r in rows
    ]
