"""Emailing the invited testers their invitation, each once, with their personal link.

`invite` (panels/invite.py) marks the drawn testers invited (ask:test) with a link; with
`panels invite ID --send email`, `send_invitations` then emails each tester who is still
`invited` the invitation text, in their language, and their link, through the SMTP settings
of the digests (`[digests]` in escucha.toml; escucha.digests.deliver). On PostgreSQL a worker
runs it as the `send_panel_invitations` job.

The sent-log `panel_invitation_sends` (one row per tester; escucha.store.sentlog) is claimed
before anything is sent: `claimed` while one attempt is under way, `sent` once the SMTP server
accepted, `failed` (with the error, never the address) when it refused, tried again by the
next run up to sentlog.MAX_ATTEMPTS attempts, and a `claimed` row left by a dead worker after
sentlog.STALE.

The emailed link is made when the row is first claimed and replaces the one made when the
tester was invited (that one was never sent). Its token is not stored: it is an HMAC of a
random nonce kept in the row with the workspace's secret, so a retry sends the same link;
the nonce is cleared once the message is sent. The one gap is the survey invitations': a
worker that stops after the server accepted a message and before its row says `sent` emails
that tester again on the retry, with the same Message-ID and link (at least once, for that
crash only). Testers who opted out since, have no email address or were erased are skipped.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.community.views import first_email
from escucha.core.context import Context
from escucha.digests.linkmail import Letter, send_each
from escucha.errors import UserError
from escucha.panels.define import get_panel
from escucha.panels.invite import TEXT, invitation_text
from escucha.panels.links import hash_token, tester_url
from escucha.store.schema import contacts
from escucha.store.schema.panels import panel_invitation_sends, panel_testers
from escucha.store.sentlog import SentLog

log = logging.getLogger("escucha.panels")
SENDS = SentLog(panel_invitation_sends, ("tester_id",), "claimed")
SUBJECT = {
    "es": "{brand} te invita a probar «{product}»",
    "en": "{brand} invites you to test \u201c{product}\u201d",
}


def invitation_key(panel_id: int, tester_id: int) -> str:
    """The Message-ID's left part: the same on every attempt for one tester."""
    return f"escucha-panel-invitation-{panel_id}-{tester_id}"


def _claim(ctx: Context, panel_id: int, tester_id: int, now: datetime) -> tuple[int, str] | None:
    """Take the tester's sent-log row for this attempt and their link's URL; None when the
    invitation was sent or another attempt holds it."""
    from escucha.auth.secret import derived_token

    with ctx.engine.begin() as conn:
        row_id = SENDS.claim(conn, {"tester_id": tester_id}, now, panel_id=panel_id,
                             link_nonce=secrets.token_hex(16))  # fmt: skip
        if row_id is None:
            return None
        row = conn.execute(
            sa.select(panel_invitation_sends).where(panel_invitation_sends.c.id == row_id)
        ).one()
        token = derived_token(ctx.path, "panel-link", row.link_nonce)
        conn.execute(  # the emailed link replaces the one made when invited, or is kept
            panel_testers.update()
            .where(panel_testers.c.id == tester_id)
            .values(token_hash=hash_token(token))
        )
        return row.id, tester_url(ctx, token)


def _invited(ctx: Context, panel_id: int) -> list[sa.Row]:
    """Each tester still `invited`, with their language, opt-out, first address and send."""
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(
                    panel_testers.c.id,
                    panel_testers.c.contact_id,
                    contacts.c.lang,
                    contacts.c.opted_out,
                    first_email(panel_testers.c.contact_id).label("email"),
                    panel_invitation_sends.c.status.label("send_status"),
                )
                .outerjoin(contacts, contacts.c.id == panel_testers.c.contact_id)
                .outerjoin(
                    panel_invitation_sends,
                    panel_invitation_sends.c.tester_id == panel_testers.c.id,
                )
                .where(panel_testers.c.panel_id == panel_id, panel_testers.c.status == "invited")
                .order_by(panel_testers.c.id)
            )
        )


def _skip_reason(row: sa.Row) -> str | None:
    if row.contact_id is None:
        return "erased"
    if row.opted_out:
        return "opted out"
    if not row.email:
        return "no email address"
    return None


class _Texts:
    """The invitation's text and subject per language, checked by the guard once each."""

    def __init__(self, ctx: Context, panel: dict) -> None:
        self.ctx, self.panel = ctx, panel
        self.found: dict[str, tuple[str, str]] = {}

    def get(self, lang: str) -> tuple[str, str]:
        from escucha.research.invitations import check_invitation

        lang = lang if lang in TEXT else "en"
        if lang not in self.found:
            text = invitation_text(self.ctx, self.panel, lang)
            check = check_invitation(self.ctx, text, lang)
            if check.refused:
                raise UserError("the guard refuses this invitation: " + "; ".join(check.reasons))
            config = self.ctx.config
            brand = config.brand.name if config.brand else config.name
            product = self.panel["product"] or self.panel["name"]
            self.found[lang] = (text, SUBJECT[lang].format(brand=brand, product=product))
        return self.found[lang]


def send_invitations(ctx: Context, panel_id: int, *, now: datetime | None = None) -> dict:
    """Email each invited tester their invitation, once; what was `sent`, `already_sent`,
    `in_progress` (another attempt holds it), `failed` (the SMTP server refused: tried again
    by the next run) and `skipped` with the reason. Testers are named by contact id only."""
    now = now or datetime.now(UTC)
    panel = get_panel(ctx, panel_id)
    texts = _Texts(ctx, panel)

    def letter(row: sa.Row) -> Letter | None:
        text, subject = texts.get(row.lang)  # the guard refuses before anything is claimed
        claimed = _claim(ctx, panel_id, row.id, now)
        if claimed is None:
            return None
        row_id, url = claimed
        return Letter(row_id, row.email, subject, text, url, invitation_key(panel_id, row.id))

    sent = send_each(ctx, SENDS, _invited(ctx, panel_id), skip_reason=_skip_reason, claim=letter,
                     log=log, about=("tester", f"panel {panel_id}"))  # fmt: skip
    return {"panel_id": panel_id, **sent}
