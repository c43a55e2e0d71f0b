"""Publishing an approved draft: a reply through the source that collected the post it
answers, a new post (announcement, invitation, tester call) through the draft's source.

The draft's idempotency key was stored with the draft, and the attempt is recorded before the
platform is called, so a retry after a timeout or a crash sends the same key: the connector
makes the second attempt harmless (docs/connectors.md, "Publishing at most once"). Once
published, the text is stored as a post of ours (a reply in its thread, through
`store_batch`) under the author the connector keys our account by when it collects it (the
platform's native account id, as the platform answered the write), so collecting it later
adds nothing. A reply's inbox item becomes answered and a `give:answer` is recorded for the
contact. Publishing a published draft again answers the stored native id and calls no API.

A platform's refusal other than of our credentials (an invalid text, a deleted parent, a
write that gave up) is an `Upstream` error: the REST API answers 502.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Row, RowMapping, insert, select, update

from escucha.config import SourceConfig
from escucha.core.context import Context
from escucha.core.items import Item
from escucha.core.secrets import env_name
from escucha.errors import Conflict, NotFound, Upstream, UserError
from escucha.store.schema import (
    authors,
    contact_identities,
    drafts,
    interactions,
    posts,
    publications,
)

if TYPE_CHECKING:
    from escucha.listen.sources.base import Source

GIVE = "give:answer"


def _source_config(ctx: Context, name: str, post_id: int | None) -> SourceConfig:
    for config in ctx.config.sources:
        if config.name == name:
            return config
    if post_id is None:
        raise UserError(f"source {name!r} is no longer in escucha.toml: nothing to publish on")
    raise UserError(
        f"post {post_id} came from {name!r}, which is not a configured source (a file import "
        "or a removed source): escucha cannot reply there; answer on the platform itself"
    )


def _publisher(ctx: Context, config: SourceConfig, sleep: Callable[[float], None]) -> Source:
    """The connector for `config` with its credentials, or one line when it cannot write."""
    from escucha.listen.collector import build_source
    from escucha.listen.sources import source_class
    from escucha.listen.sources.writing import can_publish

    if not can_publish(source_class(config.kind)):
        raise UserError(
            f"source {config.name!r} ({config.kind}) cannot publish: {config.kind} sources "
            "are read-only; answer on the platform itself"
        )
    return build_source(ctx, config, sleep=sleep)


def _credential_hint(source_name: str, keys: tuple[str, ...]) -> str:
    names = ", ".join(env_name(source_name, k) for k in keys) or "its credentials"
    return f"set {names} (or [{source_name}] in secrets.toml) with write access"


def publish_draft(
    ctx: Context,
    draft_id: int,
    *,
    by: str = "cli",
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Publish an approved draft once; `{"published": True, "native_id", "url", "again"}`."""
    from escucha.listen.http import AuthFailed, SourceError
    from escucha.listen.sources.writing import Publisher

    with ctx.engine.connect() as conn:
        draft = conn.execute(select(drafts).where(drafts.c.id == draft_id)).first()
        if draft is None:
            raise NotFound(f"no draft {draft_id}")
        done = conn.execute(select(publications).where(publications.c.draft_id == draft_id)).first()
        parent = (
            conn.execute(select(posts).where(posts.c.id == draft.post_id)).one()._mapping
            if draft.post_id is not None
            else None
        )
    source_name = parent["source"] if parent is not None else draft.source
    if done is not None and done.state == "published":
        account = (done.account_id, done.account_handle)
        _record(ctx, draft._mapping, parent, source_name, done, account, by)
        return _answer(done.native_id, done.url, again=True)
    if draft.status != "approved":
        raise Conflict(
            f"draft {draft_id} is {draft.status}: it is published only once approved "
            f"(escucha drafts approve {draft_id})"
        )
    if source_name is None:
        raise Conflict(
            f"draft {draft_id} is the text of personal invitations (no source): escucha does "
            "not publish it; each contact is sent their own message with their own link"
        )
    config = _source_config(ctx, source_name, draft.post_id)
    source = _publisher(ctx, config, sleep)
    now = datetime.now(UTC)
    parent_native = parent["native_id"] if parent is not None else None
    _mark_sending(ctx, draft_id, source_name, parent_native, draft.idempotency_key, now)
    try:
        assert isinstance(source, Publisher)  # _publisher checked its kind
        if parent_native is not None:
            published = source.reply(parent_native, draft.text, draft.idempotency_key)
        else:
            published = source.post(
                draft.text, draft.idempotency_key, title=draft.title, community=draft.community
            )
    except AuthFailed as exc:
        _failed(ctx, draft_id, str(exc))
        raise UserError(
            f"{exc}; publishing needs write credentials: "
            f"{_credential_hint(config.name, type(source).credential_keys)}"
        ) from None
    except SourceError as exc:
        _failed(ctx, draft_id, str(exc))
        raise Upstream(str(exc)) from exc
    finally:
        source.close()
    at = published.created_at or datetime.now(UTC)
    with ctx.engine.begin() as conn:
        conn.execute(
            update(publications)
            .where(publications.c.draft_id == draft_id)
            .values(
                state="published",
                native_id=published.native_id,
                url=published.url,
                published_at=at,
                published_by=by,
                last_error=None,
                updated_at=datetime.now(UTC),
                account_id=published.account_id,
                account_handle=published.handle,
            )
        )
        conn.execute(update(drafts).where(drafts.c.id == draft_id).values(status="published"))
        done = conn.execute(select(publications).where(publications.c.draft_id == draft_id)).one()
    account = (published.account_id, published.handle)
    _record(ctx, draft._mapping, parent, source_name, done, account, by, source=source)
    return _answer(published.native_id, published.url, again=False)


def _answer(native_id: str, url: str | None, *, again: bool) -> dict:
    return {"published": True, "native_id": native_id, "url": url, "again": again}


def _mark_sending(
    ctx: Context, draft_id: int, source: str, parent: str | None, key: str, now: datetime
) -> None:
    """Record the attempt (and its key) before the platform is called."""
    with ctx.engine.begin() as conn:
        found = conn.execute(
            update(publications)
            .where(publications.c.draft_id == draft_id)
            .values(attempts=publications.c.attempts + 1, updated_at=now)
        )
        if not found.rowcount:
            conn.execute(
                insert(publications),
                {
                    "draft_id": draft_id,
                    "source": source,
                    "parent_native_id": parent,
                    "idempotency_key": key,
                    "state": "sending",
                    "attempts": 1,
                    "updated_at": now,
                },
            )


def _failed(ctx: Context, draft_id: int, error: str) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            update(publications)
            .where(publications.c.draft_id == draft_id)
            .values(last_error=error[:2000], updated_at=datetime.now(UTC))
        )


def _our_author(
    conn: Connection,
    ctx: Context,
    platform: str,
    instance: str,
    account: tuple[str | None, str | None],
) -> tuple[str, str] | None:
    """(handle, account id) our published post is stored under: the account the platform
    said wrote it (its native id, as the connector keys authors when collecting), else the
    stored author with one of our handles on that platform, else our first handle."""
    from escucha.engage.inbox import our_authors, our_handles

    account_id, handle = account
    if account_id:
        stored = conn.scalar(
            select(authors.c.handle).where(
                authors.c.platform == platform,
                authors.c.instance == instance,
                authors.c.account_id == account_id,
            )
        )
        return (stored or handle or account_id, account_id)
    handles = our_handles(ctx)
    if not handles:
        return None
    found = conn.execute(
        select(authors.c.handle, authors.c.account_id)
        .where(
            authors.c.id.in_(our_authors(handles)),
            authors.c.platform == platform,
            authors.c.instance == instance,
        )
        .limit(1)
    ).first()
    return (found.handle, found.account_id) if found else (handles[0], handles[0])


def _record(
    ctx: Context,
    draft: RowMapping,
    parent: RowMapping | None,
    source_name: str,
    done: Row,
    account: tuple[str | None, str | None],
    by: str,
    source: Source | None = None,
) -> None:
    """Store our post (a reply in its thread), answer the inbox item, record the give.

    Each step is idempotent, so a publish that crashed between them completes on the next
    call (which calls no API)."""
    from escucha.store.writer import finish_run, start_run, store_batch

    at = done.published_at or datetime.now(UTC)
    native_id = done.native_id
    with ctx.engine.connect() as conn:
        stored = conn.scalar(
            select(posts.c.id).where(posts.c.source == source_name, posts.c.native_id == native_id)
        )
    if stored is None:
        config = _source_config(ctx, source_name, parent["id"] if parent is not None else None)
        if source is None:
            from escucha.listen.sources import make_source

            source = make_source(config, {})
        platform, instance = source.platform, source.instance
        with ctx.engine.connect() as conn:
            author = _our_author(conn, ctx, platform, instance, account)
        item = Item(
            source=source_name,
            native_id=native_id,
            text=draft["text"],
            fetched_at=datetime.now(UTC),
            created_at=at,
            author=author[0] if author else None,
            platform=platform,
            instance=instance,
            author_id=author[1] if author else None,
            url=done.url,
            lang=draft["lang"],
            parent_id=parent["native_id"] if parent is not None else None,
            root_id=(parent["root_id"] or parent["native_id"]) if parent is not None else None,
            raw={"published_from_draft": draft["id"], "native_id": native_id, "url": done.url},
        )
        run = start_run(ctx.engine, source_name, f"draft {draft['id']}", "escucha publish")
        store_batch(ctx.engine, source_name, run, [item])
        finish_run(ctx.engine, run, "done")
    if parent is not None:
        _answered(ctx, draft, parent, native_id, at, by)


def _answered(
    ctx: Context, draft: RowMapping, parent: RowMapping, native_id: str, at: datetime, by: str
) -> None:
    """The asker's inbox item is answered and a give recorded for their contact, once."""
    from escucha.community.build import build_contacts
    from escucha.community.ledger import record_in
    from escucha.engage.inbox import mark_answered

    if parent["author_id"] is not None and not _has_identity(ctx, parent["author_id"]):
        build_contacts(ctx)
    with ctx.engine.begin() as conn:
        reply_id = conn.scalar(
            select(posts.c.id).where(
                posts.c.source == parent["source"], posts.c.native_id == native_id
            )
        )
        mark_answered(conn, parent["id"], native_id, at, by)
        ref = f"post:{reply_id}"
        if conn.scalar(select(interactions.c.id).where(interactions.c.ref == ref)) is None:
            contact = (
                conn.scalar(
                    select(contact_identities.c.contact_id).where(
                        contact_identities.c.author_id == parent["author_id"]
                    )
                )
                if parent["author_id"] is not None
                else None
            )
            record_in(
                conn,
                GIVE,
                contact_id=contact,
                channel=parent["source"],
                note=f"reply to post {parent['id']} (draft {draft['id']})",
                ref=ref,
                occurred_at=at,
                recorded_by=by,
            )


def _has_identity(ctx: Context, author_id: int) -> bool:
    with ctx.engine.connect() as conn:
        return (
            conn.scalar(
                select(contact_identities.c.id).where(contact_identities.c.author_id == author_id)
            )
            is not None
        )


def failed_publications(ctx: Context, limit: int = 100) -> dict[int, str]:
    """Drafts whose last publishing attempt failed and that are not published: draft id ->
    the error, most recent attempt first."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(publications.c.draft_id, publications.c.last_error)
            .where(publications.c.state != "published", publications.c.last_error.is_not(None))
            .order_by(publications.c.updated_at.desc())
            .limit(limit)
        )
        return {draft_id: error for draft_id, error in rows}
