"""Inviting a segment to a survey, and the one reminder.

Only ask-ready contacts are invited (the community's rules: opt-outs, consent, cooldown,
the cap on asks, a give since the last ask); the others are listed with the reasons. The
invitation text is checked by the honest-post guard before anyone is invited: an
invitation that is really a sales pitch (the guard's hard-sell flag) or hides a connection
is refused. Each invited contact gets a personal link (single use, expiring), a row in
`survey_invitations` and an `ask:survey` in the give/ask ledger, in one transaction.

An `invitation` draft (engage/drafts.py) is a new public post on a source; these are personal
messages, one link each, so the text is not stored as a draft: the guard's verdict is
returned and written into each ledger entry's note.
escucha does not send the messages: the result lists each contact's link to send.

Reminders: at most one per invitation, once `[research] reminder_after_days` have passed,
to contacts who have not started it; the reminder carries a new link (the first one is
withdrawn, since only its hash is kept) and is not another ask in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.research.links import create_personal_link, revoke_link
from escucha.research.settings import research_settings
from escucha.research.surveys import get_survey
from escucha.store.schema.research import survey_invitations, survey_responses

# The guard's flags that refuse an invitation (a review-level hard sell included).
REFUSING_FLAGS = frozenset({"hard_sell", "undisclosed_connection"})
DEFAULT_TEXT = {
    "es": "Hola, {brand} está preguntando a la comunidad: «{title}». "
    "¿Nos ayudas respondiendo? Es voluntario y lleva unos minutos. "
    "Después compartiremos lo que aprendamos.",
    "en": "Hi, {brand} is asking the community: \u201c{title}\u201d. "
    "Would you help by answering? It is voluntary and takes a few minutes. "
    "We will share what we learn afterwards.",
}


@dataclass(frozen=True)
class GuardCheck:
    verdict: str  # ok | review | block (the guard's), refused when a refusing flag is raised
    flags: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def refused(self) -> bool:
        return self.verdict == "block" or bool(REFUSING_FLAGS & set(self.flags))


def check_invitation(ctx: Context, text: str, lang: str | None = None) -> GuardCheck:
    """The guard's verdict on an invitation our brand's account sends."""
    from escucha.engage.guard import check, load_lists

    brand = ctx.config.brand.name if ctx.config.brand else ""
    verdict = check(
        text,
        brand=brand,
        connection="brand_account",
        lang=lang,
        settings=ctx.config.guard,
        lists=load_lists(ctx.path),
    )
    return GuardCheck(verdict.verdict, tuple(verdict.flag_names), tuple(verdict.reasons))


def invitation_text(ctx: Context, survey_id: int, lang: str, text: str | None = None) -> str:
    if text is not None:
        if not text.strip() or len(text) > 5000:
            raise UserError("--text: the invitation needs 1 to 5000 characters")
        return text.strip()
    title = get_survey(ctx, survey_id).title
    brand = ctx.config.brand.name if ctx.config.brand else ctx.config.name
    return DEFAULT_TEXT.get(lang, DEFAULT_TEXT["en"]).format(brand=brand, title=title)


def invite_segment(
    ctx: Context,
    survey_id: int,
    segment: str,
    *,
    text: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Invite the segment's ask-ready contacts; `left_out` names the others and why."""
    from escucha.community.ledger import record_in
    from escucha.community.segments import segment_members

    now = now or datetime.now(UTC)
    survey = get_survey(ctx, survey_id)
    if survey.status != "live":
        raise Conflict(f"survey {survey_id} is {survey.status}: only a live survey takes answers")
    members = segment_members(ctx, segment)
    with ctx.engine.connect() as conn:
        already = set(
            conn.scalars(
                sa.select(survey_invitations.c.contact_id).where(
                    survey_invitations.c.survey_id == survey_id
                )
            )
        )
    texts: dict[str, str] = {}
    checks: dict[str, GuardCheck] = {}
    invited: list[dict] = []
    left_out: list[dict] = []
    for member in members:
        if member["id"] in already:
            left_out.append(_left(member, ["already invited to this survey"]))
            continue
        if not member["ready"]:
            left_out.append(_left(member, list(member["reasons"]) or ["not ask-ready"]))
            continue
        lang = member["lang"] if member["lang"] in DEFAULT_TEXT else "en"
        if lang not in texts:
            texts[lang] = invitation_text(ctx, survey_id, lang, text)
            checks[lang] = check_invitation(ctx, texts[lang], None if text else lang)
            if checks[lang].refused:
                raise UserError(
                    "the guard refuses this invitation: " + "; ".join(checks[lang].reasons)
                )
        invited.append({"member": member, "lang": lang})
    out: list[dict] = []
    with ctx.engine.begin() as conn:
        for item in invited:
            member, lang = item["member"], item["lang"]
            new = create_personal_link(ctx, conn, survey_id, member["id"], now=now)
            conn.execute(
                survey_invitations.insert().values(
                    survey_id=survey_id,
                    contact_id=member["id"],
                    link_id=new.link.id,
                    invited_at=now,
                )
            )
            record_in(
                conn,
                "ask:survey",
                contact_id=member["id"],
                channel="survey",
                note=f"invitation to survey {survey_id}; guard: {checks[lang].verdict}",
                ref=f"survey:{survey_id}",
                occurred_at=now,
                recorded_by=by,
            )
            out.append(
                {
                    "contact_id": member["id"],
                    "name": member["name"],
                    "lang": lang,
                    "url": new.url,
                    "expires_at": new.link.expires_at.isoformat() if new.link.expires_at else None,
                    "text": f"{texts[lang]}\n{new.url}",
                }
            )
    return {
        "survey_id": survey_id,
        "segment": segment,
        "invited": out,
        "left_out": left_out,
        "guard": {lang: c.verdict for lang, c in checks.items()},
    }


def _left(member: dict, reasons: list[str]) -> dict:
    return {"contact_id": member["id"], "name": member["name"], "reasons": reasons}


def remind(ctx: Context, survey_id: int, *, now: datetime | None = None) -> dict:
    """The one reminder to invited contacts who have not started the survey after
    `[research] reminder_after_days`; each gets a fresh link (the old one is withdrawn)."""
    now = now or datetime.now(UTC)
    survey = get_survey(ctx, survey_id)
    if survey.status != "live":
        raise Conflict(f"survey {survey_id} is {survey.status}: nobody to remind")
    days = research_settings(ctx.config).reminder_after_days
    with ctx.engine.connect() as conn:
        due = conn.execute(
            sa.select(survey_invitations).where(
                survey_invitations.c.survey_id == survey_id,
                survey_invitations.c.reminded_at.is_(None),
                survey_invitations.c.invited_at <= now - timedelta(days=days),
            )
        ).all()
        answered = set(
            conn.scalars(
                sa.select(survey_responses.c.link_id).where(
                    survey_responses.c.survey_id == survey_id
                )
            )
        )
    reminded = []
    with ctx.engine.begin() as conn:
        for row in due:
            if row.link_id in answered:
                continue
            if row.link_id is not None:
                revoke_link(ctx, conn, row.link_id)
            new = create_personal_link(ctx, conn, survey_id, row.contact_id, now=now)
            conn.execute(
                survey_invitations.update()
                .where(survey_invitations.c.id == row.id)
                .values(reminded_at=now, link_id=new.link.id)
            )
            reminded.append({"contact_id": row.contact_id, "url": new.url})
    return {"survey_id": survey_id, "reminded": reminded, "after_days": days}
