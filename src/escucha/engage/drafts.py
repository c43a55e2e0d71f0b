"""Drafts: written from a face, checked by the honest-post guard, approved by a person.

A draft is a reply to a post, or a new post of ours on a source (an announcement, a survey
invitation, a tester call: `KINDS`); every outgoing text takes the same way.

Every draft is checked when it is written (the verdict, flags and reasons are stored with it).
The `[engage] approval` rule says who may approve: `admin` (an admin approves any draft) or
`second_person` (anyone who may change things, except the draft's author). A `block` verdict
needs an admin's override with a written reason, kept in `draft_overrides`. A draft is
published only once approved (engage/publish.py).

Two approvals of one draft at the same moment leave one approval: the draft's row is locked
(PostgreSQL) or the write lock taken (SQLite) before it is read, so the second one finds it
approved and gets a Conflict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select, update

from escucha.core.context import Context
from escucha.errors import Conflict, Forbidden, NotFound, UserError
from escucha.store.schema import (
    contact_identities,
    draft_approvals,
    draft_overrides,
    drafts,
    enrichments,
    posts,
    publications,
    users,
)

if TYPE_CHECKING:
    from escucha.engage.guard import Verdict
    from escucha.understand.langid import LanguageDetector

MAX_DRAFT_CHARS = 40_000  # the longest text any supported platform publishes (a Reddit self post)
STATUSES = ("pending", "approved", "published")
KINDS = ("reply", "announcement", "invitation", "tester_call")
NEW_POSTS = KINDS[1:]  # published as a new post of ours, not under someone's post
# Languages a draft's language is told among (a reply may be in a language we do not analyse).
DRAFT_LANGUAGES = ("es", "en", "fr", "de", "it", "pt", "ca", "gl", "eu", "nl")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and the role they act with (`admin`, `analyst`, `viewer`)."""

    name: str
    role: str


def cli_actor(ctx: Context, name: str) -> Actor:
    """The person at the command line: a web user's role when `name` is one, else admin
    (whoever runs commands on the workspace holds its store)."""
    with ctx.engine.connect() as conn:
        role = conn.scalar(select(users.c.role).where(users.c.name == name))
    return Actor(name, role or "admin")


@cache
def _detector() -> LanguageDetector:
    from escucha.understand.langid import LanguageDetector

    return LanguageDetector(DRAFT_LANGUAGES, min_words=2)


def detect_language(text: str) -> str | None:
    """The draft's language, or None when it is too short or unclear (emoji only...)."""
    found = _detector().detect([text])[0]
    return None if found == "unknown" else found


def check_text(text: str) -> str:
    """The draft's text as written (outer blank space removed), or a one-line error."""
    text = text.strip()
    if not text:
        raise UserError("the draft is empty: write the reply with --text or pick a --snippet")
    if len(text) > MAX_DRAFT_CHARS:
        raise UserError(
            f"the draft has {len(text):,} characters; a reply holds at most "
            f"{MAX_DRAFT_CHARS:,} (each platform's own limit is checked when publishing)"
        )
    if "\x00" in text:
        raise UserError("the draft holds a NUL character")
    return text


def _optional(value: str | None, what: str, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise UserError(f"the {what} has {len(value):,} characters; at most {limit:,}")
    if "\x00" in value:
        raise UserError(f"the {what} holds a NUL character")
    return value or None


def _post(conn: Connection, post_id: int) -> dict:
    row = conn.execute(select(posts).where(posts.c.id == post_id)).first()
    if row is None:
        raise NotFound(f"no post {post_id}")
    return dict(row._mapping)


def _post_lang(conn: Connection, post: dict) -> str | None:
    """The language the models read in the post (the newest reading: a workspace model
    reads languages as the shipped one does), else the source's."""
    found = conn.scalar(
        select(enrichments.c.lang)
        .where(enrichments.c.post_id == post["id"])
        .order_by(enrichments.c.id.desc())
        .limit(1)
    )
    return found if found and found != "unknown" else post["lang_hint"]


def _verdict(ctx: Context, text: str, lang: str | None, author_id: int | None) -> Verdict:
    """The guard on a reply our brand's account would publish, to the asker's contact."""
    from escucha.engage.guard import check, contact_readiness, load_lists

    brand = ctx.config.brand.name if ctx.config.brand else ""
    readiness = None
    if author_id is not None:
        with ctx.engine.connect() as conn:
            contact = conn.scalar(
                select(contact_identities.c.contact_id).where(
                    contact_identities.c.author_id == author_id
                )
            )
        readiness = contact_readiness(ctx, contact) if contact is not None else None
    return check(
        text,
        brand=brand,
        connection="brand_account",
        lang=lang,
        settings=ctx.config.guard,
        lists=load_lists(ctx.path),
        readiness=readiness,
    )


@dataclass(frozen=True, slots=True)
class _Composed:
    source: str  # the post's
    body: str
    lang: str | None
    verdict: Verdict
    notes: list[str]


def _compose(ctx: Context, post_id: int, text: str | None, snippet: str | None) -> _Composed:
    """The draft's text (snippet, then text), its language and the guard's verdict."""
    from escucha.engage.snippets import snippet_text

    with ctx.engine.connect() as conn:
        post = _post(conn, post_id)
        post_lang = _post_lang(conn, post)
    parts = []
    if snippet:
        parts.append(snippet_text(ctx, snippet, post_lang, post["author_handle"]))
    if text:
        parts.append(text.strip())
    body = check_text("\n\n".join(p for p in parts if p))
    lang = detect_language(body)
    verdict = _verdict(ctx, body, lang, post["author_id"])
    notes = []
    if lang and post_lang and lang != post_lang:
        notes.append(f"the post is in {post_lang}; this draft is in {lang}")
    return _Composed(post["source"], body, lang, verdict, notes)


def preview_draft(
    ctx: Context,
    post_id: int,
    text: str | None = None,
    *,
    snippet: str | None = None,
    lang: str = "en",
) -> dict:
    """What `create_draft` would store, without storing it: the text, its language and the
    guard's verdict with the words that triggered each flag (checking as one types), its
    reasons worded in `lang` (the reader's language, not the draft's)."""
    done = _compose(ctx, post_id, text, snippet)
    return {
        "text": done.body,
        "lang": done.lang,
        "verdict": done.verdict.verdict,
        "flags": [
            {"name": f.name, "reason": f.say(lang), "triggers": list(f.triggers)}
            for f in done.verdict.flags
        ],
        "notes": done.notes,
    }


def create_draft(
    ctx: Context,
    post_id: int,
    text: str | None = None,
    *,
    snippet: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """A draft replying to a post, checked by the guard; returns the stored draft."""
    done = _compose(ctx, post_id, text, snippet)
    row = {"post_id": post_id, "kind": "reply", "source": done.source, "snippet": snippet}
    return _store(ctx, row, done.body, done.lang, done.verdict, by, now) | {"notes": done.notes}


def create_post_draft(
    ctx: Context,
    source: str | None,
    kind: str,
    text: str,
    *,
    title: str | None = None,
    community: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """A draft of a new post of ours on `source` (an announcement, a survey invitation, a
    tester call), checked by the guard as our brand's account speaking; returns it stored.

    The source must be configured and able to publish, with what its platform needs for a
    new post (a title, a subreddit or category); otherwise one line says why, now rather
    than at publishing. An invitation without a source is the text of personal messages
    (a survey's invitations, each with its contact's own link): checked and approved like any
    draft, sent one by one by a person, never published by escucha."""
    if kind not in NEW_POSTS:
        raise UserError(
            f"unknown kind {kind!r} for a new post; kinds are {', '.join(NEW_POSTS)} "
            "(a reply: escucha reply POST_ID)"
        )
    title = _optional(title, "title", 1000)
    community = _optional(community, "community", 255)
    if source is not None:
        _check_target(ctx, source, title, community)
    elif kind != "invitation":
        raise UserError(f"a draft of kind {kind!r} needs the source it is published on")
    body = check_text(text)
    lang = detect_language(body)
    verdict = _verdict(ctx, body, lang, None)
    row = {"post_id": None, "kind": kind, "source": source, "title": title,
           "community": community, "snippet": None}  # fmt: skip
    return _store(ctx, row, body, lang, verdict, by, now) | {"notes": []}


def _check_target(ctx: Context, source: str, title: str | None, community: str | None) -> None:
    """One line when `source` cannot take a new post with this title and community."""
    from escucha.listen.sources import source_class
    from escucha.listen.sources.writing import Publisher

    config = next((c for c in ctx.config.sources if c.name == source), None)
    if config is None:
        names = ", ".join(c.name for c in ctx.config.sources) or "none"
        raise UserError(f"no source {source!r} in escucha.toml (sources: {names})")
    kind = source_class(config.kind)
    if not issubclass(kind, Publisher):
        raise UserError(
            f"source {source!r} ({config.kind}) cannot publish: {config.kind} sources are read-only"
        )
    if why := kind.post_refusal(title, community):
        raise UserError(f"source {source!r} ({config.kind}): {why}")


def _store(
    ctx: Context,
    row: dict,
    body: str,
    lang: str | None,
    verdict: Verdict,
    by: str,
    now: datetime | None,
) -> dict:
    row = {
        "title": None,
        "community": None,
        **row,
        "text": body,
        "lang": lang,
        "status": "pending",
        "verdict": verdict.verdict,
        "flags": list(verdict.flag_names),
        "reasons": list(verdict.reasons),
        "created_by": by,
        "created_at": now or datetime.now(UTC),
        "idempotency_key": "escucha-" + uuid.uuid4().hex,
    }
    with ctx.engine.begin() as conn:
        row["id"] = conn.execute(insert(drafts).returning(drafts.c.id), row).scalar_one()
    return _public(row)


def _public(row: dict) -> dict:
    return {
        "draft_id": row["id"],
        "kind": row["kind"],
        "post_id": row["post_id"],
        "source": row["source"],
        "title": row["title"],
        "community": row["community"],
        "status": row["status"],
        "verdict": row["verdict"],
        "flags": list(row["flags"]),
        "reasons": list(row["reasons"]),
        "text": row["text"],
        "lang": row["lang"],
        "snippet": row["snippet"],
        "created_by": row["created_by"],
        "created_at": row["created_at"].isoformat(),
    }


def get_draft(ctx: Context, draft_id: int) -> dict:
    with ctx.engine.connect() as conn:
        return _with_state(conn, _draft(conn, draft_id))


def _draft(conn: Connection, draft_id: int) -> dict:
    row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).first()
    if row is None:
        raise NotFound(f"no draft {draft_id}")
    return dict(row._mapping)


def _with_state(conn: Connection, row: dict) -> dict:
    approval = conn.execute(
        select(draft_approvals).where(draft_approvals.c.draft_id == row["id"])
    ).first()
    published = conn.execute(
        select(publications).where(publications.c.draft_id == row["id"])
    ).first()
    overrides = conn.execute(
        select(draft_overrides)
        .where(draft_overrides.c.draft_id == row["id"])
        .order_by(draft_overrides.c.id)
    ).all()
    return _public(row) | {
        "approved_by": approval.approved_by if approval else None,
        "approved_at": approval.approved_at.isoformat() if approval else None,
        "overrides": [
            {"by": o.overridden_by, "reason": o.reason, "at": o.overridden_at.isoformat()}
            for o in overrides
        ],
        "native_id": published.native_id if published else None,
        "url": published.url if published else None,
    }


def list_drafts(
    ctx: Context, status: str | None = None, limit: int = 100, *, post_id: int | None = None
) -> list[dict]:
    """Drafts, newest first; of one status and replying to one post when given."""
    if status is not None and status not in STATUSES:
        raise UserError(f"unknown status {status!r}; statuses are {', '.join(STATUSES)}")
    query = select(drafts).order_by(drafts.c.id.desc()).limit(limit)
    if status:
        query = query.where(drafts.c.status == status)
    if post_id is not None:
        query = query.where(drafts.c.post_id == post_id)
    with ctx.engine.connect() as conn:
        return [_with_state(conn, dict(r._mapping)) for r in conn.execute(query)]


def _lock(conn: Connection, draft_id: int) -> None:
    """Hold the draft's row until the transaction ends, before reading it (see module doc)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(drafts.c.id).where(drafts.c.id == draft_id).with_for_update())
    else:
        conn.execute(update(drafts).where(drafts.c.id == draft_id).values(id=drafts.c.id))


def approve_draft(
    ctx: Context,
    draft_id: int,
    actor: Actor,
    *,
    override_reason: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Approve a draft under the workspace's rule; a `block` needs an admin's written reason."""
    rule = ctx.config.engage.approval
    now = now or datetime.now(UTC)
    reason = (override_reason or "").strip()
    with ctx.engine.begin() as conn:
        _lock(conn, draft_id)
        row = _draft(conn, draft_id)
        if row["status"] != "pending":
            approver = conn.scalar(
                select(draft_approvals.c.approved_by).where(draft_approvals.c.draft_id == draft_id)
            )
            raise Conflict(f"draft {draft_id} is already {row['status']} (approved by {approver})")
        if actor.role not in ("admin", "analyst"):
            raise Forbidden(f"{actor.name} ({actor.role}) may not approve drafts")
        if rule == "admin" and actor.role != "admin":
            raise Forbidden(
                f'approval = "admin" in [engage]: only an admin approves drafts; '
                f"{actor.name} is {actor.role}"
            )
        if rule == "second_person" and actor.name == row["created_by"]:
            raise Forbidden(
                f'approval = "second_person" in [engage]: draft {draft_id} was written by '
                f"{actor.name}; someone else approves it"
            )
        if row["verdict"] == "block":
            if actor.role != "admin":
                raise Forbidden(
                    f"draft {draft_id} is blocked by the guard ({', '.join(row['flags'])}); "
                    "only an admin may override it, with --override-reason"
                )
            if not reason:
                raise UserError(
                    f"draft {draft_id} is blocked by the guard: "
                    f"{'; '.join(row['reasons']) or ', '.join(row['flags'])}; "
                    "an admin may approve it with --override-reason TEXT (kept in the log)"
                )
            conn.execute(
                insert(draft_overrides),
                {
                    "draft_id": draft_id,
                    "overridden_by": actor.name,
                    "reason": reason,
                    "verdict": row["verdict"],
                    "flags": list(row["flags"]),
                    "overridden_at": now,
                },
            )
        elif reason:
            raise UserError(
                f"draft {draft_id} is not blocked (verdict {row['verdict']}): "
                "--override-reason is only for a block"
            )
        conn.execute(
            insert(draft_approvals),
            {
                "draft_id": draft_id,
                "approved_by": actor.name,
                "role": actor.role,
                "rule": rule,
                "approved_at": now,
            },
        )
        conn.execute(update(drafts).where(drafts.c.id == draft_id).values(status="approved"))
        return _with_state(conn, _draft(conn, draft_id))
