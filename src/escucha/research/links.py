"""Links a respondent opens: public links (one per channel, `?src=` tells the channel) and
personal links (one contact, single use, expiring).

A token is `secrets.token_urlsafe(24)`; only its SHA-256 is stored, so the store alone never
lets anyone open a survey. `open_link` refuses, each with one sentence: an unknown or
tampered token, a revoked link, an expired link, a spent single-use link, and a survey that
is not live (closed, or still a draft).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import NotFound, UserError
from escucha.research.settings import base_url, research_settings
from escucha.research.surveys import get_survey
from escucha.store.schema.research import survey_links, surveys

SOURCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
REFUSALS = {
    "unknown": "this survey link is not valid (mistyped or altered)",
    "revoked": "this survey link was withdrawn",
    "expired": "this survey link has expired",
    "spent": "this survey link was already used",
    "closed": "this survey is closed",
    "draft": "this survey is not open yet",
}


class LinkRefused(UserError):
    """A link that cannot be answered; `code` is one of REFUSALS (the form words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(REFUSALS[code])
        self.code = code


@dataclass(frozen=True)
class Link:
    id: int
    survey_id: int
    kind: str  # public | personal
    source: str | None
    contact_id: int | None
    anonymous: bool
    expires_at: datetime | None
    max_uses: int | None
    uses: int


@dataclass(frozen=True)
class NewLink:
    link: Link
    token: str  # shown once: only its hash is stored
    url: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_source(source: str | None) -> str | None:
    """A channel name: letters, digits, `_ . -`, at most 64 characters."""
    if source is None or source == "":
        return None
    if not SOURCE_RE.match(source):
        raise UserError(
            f"source {source!r}: use 1 to 64 letters, digits, '_', '.' or '-' (e.g. mastodon)"
        )
    return source


def survey_url(ctx: Context, token: str, source: str | None = None) -> str:
    query = f"?{urlencode({'src': source})}" if source else ""
    return f"{base_url(ctx.config)}/s/{quote(token, safe='')}{query}"


def _insert(ctx: Context, conn: sa.Connection, values: dict, token: str | None = None) -> NewLink:
    token = token or secrets.token_urlsafe(24)
    row = {"token_hash": hash_token(token), "uses": 0, "created_at": datetime.now(UTC), **values}
    row["id"] = conn.execute(sa.insert(survey_links).returning(survey_links.c.id), row).scalar_one()
    link = _link(row)
    shown = link.source if link.kind == "public" else None  # a personal link knows its own
    return NewLink(link, token, survey_url(ctx, token, shown))


def create_public_link(
    ctx: Context, survey_id: int, source: str | None = None, *, anonymous: bool = False
) -> NewLink:
    """A link anyone may open, as often as they like; `source` names the channel."""
    get_survey(ctx, survey_id)  # NotFound when there is no such survey
    source = check_source(source)
    with ctx.engine.begin() as conn:
        return _insert(
            ctx,
            conn,
            {"survey_id": survey_id, "kind": "public", "source": source, "anonymous": anonymous},
        )


def create_personal_link(
    ctx: Context,
    conn: sa.Connection,
    survey_id: int,
    contact_id: int,
    *,
    source: str = "invitation",
    now: datetime | None = None,
    token: str | None = None,
) -> NewLink:
    """A single-use link for one contact, expiring after `[research] link_days` (inside the
    caller's transaction: an invitation writes its link, record and ledger entry together).
    `token`, when given, is the link's token (an emailed invitation derives it, to send the
    same link again on a retry); otherwise a random one."""
    days = research_settings(ctx.config).link_days
    return _insert(
        ctx,
        conn,
        {
            "survey_id": survey_id,
            "kind": "personal",
            "source": source,
            "contact_id": contact_id,
            "anonymous": False,
            "max_uses": 1,
            "expires_at": (now or datetime.now(UTC)) + timedelta(days=days),
        },
        token,
    )


def _link(row: Any) -> Link:
    m = row if isinstance(row, dict) else row._mapping
    return Link(
        id=m["id"],
        survey_id=m["survey_id"],
        kind=m["kind"],
        source=m["source"],
        contact_id=m.get("contact_id"),
        anonymous=bool(m.get("anonymous")),
        expires_at=m.get("expires_at"),
        max_uses=m.get("max_uses"),
        uses=m["uses"],
    )


def find_link(conn: sa.Connection, token: str, now: datetime | None = None) -> Link:
    """The link a token opens, or `LinkRefused` saying why not (spent links aside: a
    respondent who started may come back; `use_link` refuses a new start)."""
    if not token or len(token) > 128:
        raise LinkRefused("unknown")
    found = conn.execute(
        sa.select(survey_links, surveys.c.status)
        .join(surveys, surveys.c.id == survey_links.c.survey_id)
        .where(survey_links.c.token_hash == hash_token(token))
    ).first()
    if found is None:
        raise LinkRefused("unknown")
    refuse_closed_link(found.revoked_at, found.expires_at, found.status, now)
    return _link(found)


def refuse_closed_link(
    revoked_at: datetime | None, expires_at: datetime | None, status: str, now: datetime | None
) -> None:
    """`LinkRefused` when a link is withdrawn, expired, or its survey is not live."""
    if revoked_at is not None:
        raise LinkRefused("revoked")
    if expires_at is not None and expires_at <= (now or datetime.now(UTC)):
        raise LinkRefused("expired")
    if status != "live":
        raise LinkRefused(status)


def open_link(ctx: Context, token: str, now: datetime | None = None) -> Link:
    """The link a token opens, refused when a new respondent could not start on it."""
    with ctx.engine.connect() as conn:
        link = find_link(conn, token, now)
    if link.max_uses is not None and link.uses >= link.max_uses:
        raise LinkRefused("spent")
    return link


def use_link(conn: sa.Connection, link: Link) -> None:
    """Count one start on the link; a single-use link already used is refused (atomic)."""
    query = survey_links.update().where(survey_links.c.id == link.id)
    if link.max_uses is not None:
        query = query.where(survey_links.c.uses < survey_links.c.max_uses)
    if not conn.execute(query.values(uses=survey_links.c.uses + 1)).rowcount:
        raise LinkRefused("spent")


def revoke_link(ctx: Context, conn: sa.Connection | None, link_id: int) -> None:
    """Withdraw a link: whoever holds it is told so."""

    def run(c: sa.Connection) -> None:
        done = c.execute(
            survey_links.update()
            .where(survey_links.c.id == link_id)
            .values(revoked_at=datetime.now(UTC))
        )
        if not done.rowcount:
            raise NotFound(f"no survey link {link_id}")

    if conn is not None:
        run(conn)
    else:
        with ctx.engine.begin() as c:
            run(c)


def list_links(ctx: Context, survey_id: int) -> list[dict]:
    """A survey's links (never their tokens)."""
    get_survey(ctx, survey_id)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(survey_links)
            .where(survey_links.c.survey_id == survey_id)
            .order_by(survey_links.c.id)
        ).all()
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "source": r.source,
            "contact_id": r.contact_id,
            "anonymous": bool(r.anonymous),
            "uses": r.uses,
            "max_uses": r.max_uses,
            "expires_at": r.expires_at.isoformat() if r.expires_at else None,
            "revoked": r.revoked_at is not None,
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]
