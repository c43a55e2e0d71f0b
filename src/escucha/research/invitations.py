"""Inviting a segment to a survey, and the one reminder.

Only ask-ready contacts are invited (the community's rules: opt-outs, consent, cooldown,
the cap on asks, a give since the last ask); the others are listed with the reasons. The
invitation text is an engage `invitation` draft (engage/drafts.py), one per language of the
invited contacts: the honest-post guard checks it as it is written, and an invitation that is
really a sales pitch (the guard's hard-sell flag) or hides a connection is refused before
anyone is invited (the blocked draft stays, for an admin to see or override). Without a
source the draft is the text of personal messages, never published by escucha; with
`source` it is a post on that source. Each invited contact gets their own personal link
(single use, expiring), a row in `survey_invitations` naming the draft, and an `ask:survey`
in the give/ask ledger, in one transaction. escucha does not send the messages: the result
lists each contact's text with their link, to send once the draft is approved
(`escucha drafts approve N`). `draft_id` reuses a draft written before (e.g. one an admin
approved over the guard with a written reason) instead of writing one.

Reminders: at most one per invitation, once `[research] reminder_after_days` have passed,
to contacts who have not started it; the reminder carries a new link (the first one is
withdrawn, since only its hash is kept) with the invitation draft's text, and is not another
ask in the ledger.
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
    """The guard's verdict on an invitation our brand's account sends, without writing a draft
    (a product test's personal invitations and closing notes, escucha.panels)."""
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


def _check(draft: dict) -> GuardCheck:
    return GuardCheck(draft["verdict"], tuple(draft["flags"]), tuple(draft["reasons"]))


def _draft_text(ctx: Context, lang: str, text: str, source: str | None, by: str,
                now: datetime) -> dict:  # fmt: skip
    """The invitation written as an engage draft, or one line when the guard refuses it."""
    from escucha.engage.drafts import create_post_draft

    draft = create_post_draft(ctx, source, "invitation", text, by=by, now=now)
    if _check(draft).refused:
        raise UserError(
            f"the guard refuses this invitation (draft {draft['draft_id']}, {lang}): "
            + "; ".join(draft["reasons"] or draft["flags"])
            + "; nobody was invited"
        )
    return draft


def _reused(ctx: Context, draft_id: int) -> dict:
    """A draft written before, when it is an invitation the guard lets through or an admin
    approved over it."""
    from escucha.engage.drafts import get_draft

    draft = get_draft(ctx, draft_id)
    if draft["kind"] != "invitation":
        raise UserError(
            f"--draft {draft_id}: draft {draft_id} is a {draft['kind']}, not an invitation"
        )
    if _check(draft).refused and draft["status"] == "pending":
        raise UserError(
            f"--draft {draft_id}: the guard refuses it ("
            + "; ".join(draft["reasons"] or draft["flags"])
            + "); it is used once a person approves it (escucha drafts approve; a block needs "
            "an admin's written reason)"
        )
    return draft


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
    source: str | None = None,
    draft_id: int | None = None,
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
    if draft_id is not None and text is not None:
        raise UserError("--text and --draft: give the invitation one way")
    reused = _reused(ctx, draft_id) if draft_id is not None else None
    drafts: dict[str, dict] = {}
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
        invited.append({"member": member, "lang": lang})
    for lang in dict.fromkeys(item["lang"] for item in invited):
        drafts[lang] = reused or _draft_text(
            ctx, lang, invitation_text(ctx, survey_id, lang, text), source, by, now
        )
    out: list[dict] = []
    with ctx.engine.begin() as conn:
        for item in invited:
            member, lang = item["member"], item["lang"]
            draft = drafts[lang]
            new = create_personal_link(ctx, conn, survey_id, member["id"], now=now)
            conn.execute(
                survey_invitations.insert().values(
                    survey_id=survey_id,
                    contact_id=member["id"],
                    link_id=new.link.id,
                    draft_id=draft["draft_id"],
                    invited_at=now,
                )
            )
            record_in(
                conn,
                "ask:survey",
                contact_id=member["id"],
                channel="survey",
                note=f"invitation to survey {survey_id} (draft {draft['draft_id']}); "
                f"guard: {draft['verdict']}",
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
                    "draft_id": draft["draft_id"],
                    "text": f"{draft['text']}\n{new.url}",
                }
            )
    return {
        "survey_id": survey_id,
        "segment": segment,
        "invited": out,
        "left_out": left_out,
        "guard": {lang: d["verdict"] for lang, d in drafts.items()},
        "drafts": {
            lang: {"draft_id": d["draft_id"], "status": d["status"], "verdict": d["verdict"]}
            for lang, d in drafts.items()
        },
    }


def _left(member: dict, reasons: list[str]) -> dict:
    return {"contact_id": member["id"], "name": member["name"], "reasons": reasons}


def _draft_texts(ctx: Context, draft_ids: set[int]) -> dict[int, str]:
    """The invitation drafts' texts, for the reminders' messages (the same approved text)."""
    from escucha.engage.drafts import get_draft

    return {number: get_draft(ctx, number)["text"] for number in sorted(draft_ids)}


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
    texts = _draft_texts(ctx, {row.draft_id for row in due if row.draft_id is not None})
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
            reminded.append({"contact_id": row.contact_id, "url": new.url,
                             "draft_id": row.draft_id,
                             "text": f"{texts[row.draft_id]}\n{new.url}"
                             if row.draft_id in texts else None})  # fmt: skip
    return {"survey_id": survey_id, "reminded": reminded, "after_days": days}
