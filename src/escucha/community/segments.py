"""Segments: saved filters over contacts, from which surveys and product tests pick people.

A segment's filters: language, country, attributes (all must hold), a minimum number of
posts, ask-readiness, and a boolean query over the contacts' posts (`brand:Iberia AND
intent:wish`, docs/query-language.md): a contact is in when one of their posts matches.
A segment for asking (`purpose` "ask", the default) never holds an opted-out contact,
whatever its filters say.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from escucha.community.views import list_contacts
from escucha.core.context import Context
from escucha.errors import Conflict, NotFound, UserError
from escucha.store.schema import contact_identities, posts, segments

PURPOSES = ("ask", "analysis")


@dataclass(frozen=True)
class SegmentFilters:
    lang: str | None = None
    country: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    min_posts: int = 0
    ready: bool | None = None
    query: str | None = None

    @classmethod
    def from_json(cls, data: dict) -> SegmentFilters:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def create_segment(ctx: Context, name: str, filters: SegmentFilters, purpose: str = "ask") -> dict:
    name = name.strip()
    if not name or len(name) > 128:
        raise UserError("a segment needs a name of 1 to 128 characters")
    if purpose not in PURPOSES:
        raise UserError(f"--purpose must be one of {', '.join(PURPOSES)}")
    if filters.min_posts < 0:
        raise UserError("--min-posts must be >= 0")
    if filters.query:
        from escucha.query import parse

        parse(filters.query)  # a QuerySyntaxError (a UserError) points at the problem
    row = {
        "name": name,
        "filters": asdict(filters),
        "purpose": purpose,
        "created_at": datetime.now(UTC),
    }
    try:
        with ctx.engine.begin() as conn:
            row["id"] = conn.execute(insert(segments).returning(segments.c.id), row).scalar_one()
    except IntegrityError:
        raise Conflict(f"a segment named {name!r} exists already") from None
    return row


def list_segments(ctx: Context) -> list[dict]:
    with ctx.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(segments).order_by(segments.c.name))]


def get_segment(ctx: Context, name: str) -> dict:
    with ctx.engine.connect() as conn:
        row = conn.execute(select(segments).where(segments.c.name == name)).first()
    if row is None:
        raise NotFound(f"no segment {name!r}")
    return dict(row._mapping)


def delete_segment(ctx: Context, name: str) -> None:
    with ctx.engine.begin() as conn:
        if not conn.execute(delete(segments).where(segments.c.name == name)).rowcount:
            raise NotFound(f"no segment {name!r}")


def _query_members(ctx: Context, text: str) -> list[int]:
    """Contacts with at least one post matching the query."""
    from escucha.enrich import current_model_version
    from escucha.query import select_posts

    with ctx.engine.connect() as conn:
        post_ids = select_posts(conn, text, current_model_version(ctx))
        members: set[int] = set()
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            members.update(
                conn.scalars(
                    select(contact_identities.c.contact_id)
                    .join(posts, posts.c.author_id == contact_identities.c.author_id)
                    .where(posts.c.id.in_(chunk))
                )
            )
    return sorted(members)


def segment_members(ctx: Context, name: str) -> list[dict]:
    """The contacts a segment holds now, in the shape of `list_contacts` entries."""
    segment = get_segment(ctx, name)
    filters = SegmentFilters.from_json(segment["filters"])
    ids = _query_members(ctx, filters.query) if filters.query else None
    found = list_contacts(
        ctx,
        ready=filters.ready,
        lang=filters.lang,
        country=filters.country,
        attributes=filters.attributes,
        ids=ids,
    )
    if filters.min_posts:
        found = [c for c in found if c["posts"] >= filters.min_posts]
    if segment["purpose"] == "ask":
        found = [c for c in found if not c["opted_out"]]
    return found
