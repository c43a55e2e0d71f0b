"""Emailing a survey's invitations, each contact once.

`invite_segment` writes who is invited (ask-ready contacts only) and the invitation's engage
draft; `send_invitations` then emails each invited contact with an email address their
invitation: the draft's text (once a person approved it) and their personal link, in their
language, through the SMTP settings of the digests (`[digests]` in escucha.toml, the
password from the environment or secrets.toml: escucha.digests.deliver).

The sent-log `invitation_sends` (unique on survey and contact; escucha.store.sentlog) is
claimed before anything is sent: a row is `claimed` while one attempt is under way, `sent`
once the SMTP server accepted the message, `failed` (with the error, never the address) when
it refused; a failed row is tried again by the next run, up to sentlog.MAX_ATTEMPTS attempts,
and a `claimed` row left by a dead worker after sentlog.STALE. A contact who opted out since
being invited, one without an email address, and an invitation whose draft is not approved
are never emailed.

The personal link is made when the row is first claimed, replacing the link the invitation
had (that one is withdrawn: its token was never sent). Its token is not stored: it is an
HMAC of a random nonce kept in the row, with the workspace's secret (web-secret.key, owner
only), so a retry sends the same link; the nonce is cleared once the message is sent, and
then nothing in the store can make the token again. One gap stays, as for the digests: a
worker that stops after the server accepted a message and before its row says `sent` sends
it again on the retry, with the same Message-ID (derived from survey and contact) and the
same link, so a mail system can tell (at least once, not exactly once, for that crash only).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.community.views import first_email
from escucha.core.context import Context
from escucha.digests.linkmail import Letter, send_each
from escucha.research.links import create_personal_link, hash_token, revoke_link, survey_url
from escucha.research.surveys import get_survey
from escucha.store.schema import contacts, drafts
from escucha.store.schema.research import invitation_sends, survey_invitations, survey_links
from escucha.store.sentlog import SentLog

log = logging.getLogger("escucha.research")
SENDS = SentLog(invitation_sends, ("survey_id", "contact_id"), in_progress="claimed")
APPROVED = ("approved", "published")
SUBJECT = {
    "es": "{brand} te pregunta: {title}",
    "en": "{brand} is asking you: {title}",
}


def invitation_key(survey_id: int, contact_id: int) -> str:
    """The Message-ID's left part: the same on every attempt for one survey and contact."""
    return f"escucha-invitation-{survey_id}-{contact_id}"


def _token(ctx: Context, nonce: str) -> str:
    from escucha.auth.secret import derived_token

    return derived_token(ctx.path, "invitation-link", nonce)


def _claim(ctx: Context, survey_id: int, contact_id: int, now: datetime) -> tuple[int, str] | None:
    """Take the contact's row for this attempt and its link's URL; None when the invitation
    was sent or another attempt holds it."""
    with ctx.engine.begin() as conn:
        key = {"survey_id": survey_id, "contact_id": contact_id}
        row_id = SENDS.claim(conn, key, now, link_nonce=secrets.token_hex(16))
        if row_id is None:
            return None
        row = conn.execute(sa.select(invitation_sends).where(invitation_sends.c.id == row_id)).one()
        token = _token(ctx, row.link_nonce)
        if row.link_id is not None:
            kept = conn.scalar(
                sa.select(survey_links.c.token_hash).where(survey_links.c.id == row.link_id)
            )
            if kept == hash_token(token):
                return row.id, survey_url(ctx, token)
            # the workspace's secret changed since: the link cannot be made again, a new one
            # replaces it below
        invitation = conn.execute(
            sa.select(survey_invitations.c.id, survey_invitations.c.link_id).where(
                survey_invitations.c.survey_id == survey_id,
                survey_invitations.c.contact_id == contact_id,
            )
        ).one()
        if invitation.link_id is not None:
            revoke_link(ctx, conn, invitation.link_id)
        link = create_personal_link(ctx, conn, survey_id, contact_id, now=now, token=token)
        conn.execute(
            survey_invitations.update()
            .where(survey_invitations.c.id == invitation.id)
            .values(link_id=link.link.id)
        )
        conn.execute(
            invitation_sends.update()
            .where(invitation_sends.c.id == row.id)
            .values(link_id=link.link.id)
        )
        return row.id, link.url


def _invited(ctx: Context, survey_id: int) -> list[sa.Row]:
    """Each invited contact with their language, opt-out, first email address and draft."""
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(
                    survey_invitations.c.contact_id,
                    contacts.c.lang,
                    contacts.c.opted_out,
                    first_email(survey_invitations.c.contact_id).label("email"),
                    drafts.c.id.label("draft_id"),
                    drafts.c.status.label("draft_status"),
                    drafts.c.text,
                    invitation_sends.c.status.label("send_status"),
                )
                .join(contacts, contacts.c.id == survey_invitations.c.contact_id)
                .outerjoin(drafts, drafts.c.id == survey_invitations.c.draft_id)
                .outerjoin(
                    invitation_sends,
                    sa.and_(
                        invitation_sends.c.survey_id == survey_invitations.c.survey_id,
                        invitation_sends.c.contact_id == survey_invitations.c.contact_id,
                    ),
                )
                .where(survey_invitations.c.survey_id == survey_id)
                .order_by(survey_invitations.c.contact_id)
            )
        )


def _skip_reason(row: sa.Row) -> str | None:
    if row.opted_out:
        return "opted out"
    if not row.email:
        return "no email address"
    if row.draft_id is None:
        return "no invitation draft"
    if row.draft_status not in APPROVED:
        return f"invitation draft {row.draft_id} is not approved yet (escucha drafts approve)"
    return None


def _subject(ctx: Context, survey_id: int, lang: str) -> str:
    title = get_survey(ctx, survey_id).title
    brand = ctx.config.brand.name if ctx.config.brand else ctx.config.name
    return SUBJECT[lang].format(brand=brand, title=title)


def send_invitations(ctx: Context, survey_id: int, *, now: datetime | None = None) -> dict:
    """Email each invited contact their invitation, once; what was `sent`, `already_sent`,
    `in_progress` (another attempt holds it), `failed` (the SMTP server refused: tried again
    by the next run) and `skipped` with the reason. Contacts are named by id only."""
    now = now or datetime.now(UTC)
    get_survey(ctx, survey_id)

    def letter(row: sa.Row) -> Letter | None:
        claimed = _claim(ctx, survey_id, row.contact_id, now)
        if claimed is None:
            return None
        row_id, url = claimed
        subject = _subject(ctx, survey_id, row.lang if row.lang in SUBJECT else "en")
        return Letter(row_id, row.email, subject, row.text, url,
                      invitation_key(survey_id, row.contact_id))  # fmt: skip

    sent = send_each(ctx, SENDS, _invited(ctx, survey_id), skip_reason=_skip_reason,
                     claim=letter, log=log, about=("contact", f"survey {survey_id}"))  # fmt: skip
    return {"survey_id": survey_id, **sent}


def send_log(ctx: Context, survey_id: int) -> list[dict]:
    """The survey's emailed invitations: contact, status, attempts, error (no address)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(invitation_sends)
            .where(invitation_sends.c.survey_id == survey_id)
            .order_by(invitation_sends.c.contact_id)
        ).all()
    return [
        {"contact_id": r.contact_id, "status": r.status, "attempts": r.attempts,
         "sent_at": r.sent_at.isoformat() if r.sent_at else None, "error": r.error}
        for r in rows
    ]  # fmt: skip
