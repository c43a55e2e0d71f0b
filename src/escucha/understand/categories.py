"""Custom categories: an analyst's own ways of sorting posts ("pricing", "app bug").

A post belongs to a category when an analyst tagged it by hand, or when it matches the
category's saved query. The query is evaluated when a page, a query or a table reads the
category (never materialised), so posts imported after the category was defined belong to
it at once and a category never goes stale. `category:NAME` in the query language reads
both (escucha.query.sql.expand_categories). Tagging by hand is audited like a relabel: a
row of `label_changes` with the post's hand-tagged categories before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select

from escucha.core.timeutil import as_utc
from escucha.errors import NotFound, UserError
from escucha.query import parse, select_posts
from escucha.query.ast import Field, Node
from escucha.query.fields import ascii_lower
from escucha.store.schema import LIVE_POSTS, categories, label_changes, post_categories, posts

NAME_LENGTH = 64
_BAD_NAME = re.compile(r'[":()*\x00-\x1f]')


def category_name(name: str) -> str:
    """A category's name as stored and as `category:` compares it: trimmed, single spaces,
    A-Z lower-cased. One clear error for an empty or unusable name."""
    cleaned = ascii_lower(" ".join(name.split()))
    if not cleaned or len(cleaned) > NAME_LENGTH or _BAD_NAME.search(cleaned):
        raise UserError(
            f"category name {name[:80]!r}: 1 to {NAME_LENGTH} characters, "
            'without " : ( ) * or control characters'
        )
    return cleaned


def _names_a_category(node: Node) -> bool:
    from escucha.query.sql import _leaves

    return any(isinstance(leaf, Field) and leaf.name == "category" for leaf in _leaves(node))


def add_category(engine: Engine, name: str, user: str, query: str | None = None) -> dict:
    """Define a category (posts tagged by hand, and those matching `query` if given)."""
    key = category_name(name)
    text = (query or "").strip() or None
    if text is not None and _names_a_category(parse(text).root):
        raise UserError("a category's query cannot use category: (define it by its own terms)")
    with engine.begin() as conn:
        if conn.scalar(select(categories.c.id).where(categories.c.name == key)) is not None:
            raise UserError(f"category {key!r} already exists")
        conn.execute(
            insert(categories).values(
                name=key, query=text, created_by=user, created_at=datetime.now(UTC)
            )
        )
    return {"name": key, "query": text}


def remove_category(engine: Engine, name: str) -> None:
    """Delete a category and its hand tags (the audit of past tags stays)."""
    key = category_name(name)
    with engine.begin() as conn:
        found = conn.scalar(select(categories.c.id).where(categories.c.name == key))
        if found is None:
            raise NotFound(f"no category {key!r}")
        conn.execute(delete(post_categories).where(post_categories.c.category_id == found))
        conn.execute(delete(categories).where(categories.c.id == found))


def list_categories(conn: Connection) -> list[dict]:
    """Every category by name: its query (None: by hand only), who defined it, when, and how
    many live posts carry its tag by hand."""
    tagged = (
        select(post_categories.c.category_id, func.count().label("n"))
        .join(posts, posts.c.id == post_categories.c.post_id)
        .where(LIVE_POSTS)
        .group_by(post_categories.c.category_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            categories.c.name,
            categories.c.query,
            categories.c.created_by,
            categories.c.created_at,
            func.coalesce(tagged.c.n, 0),
        )
        .outerjoin(tagged, tagged.c.category_id == categories.c.id)
        .order_by(categories.c.name)
    )
    return [
        {
            "name": r[0],
            "query": r[1],
            "created_by": r[2],
            "created_at": as_utc(r[3]),
            "tagged": r[4],
        }
        for r in rows
    ]


def _hand_tags(conn: Connection, post_id: int) -> list[str]:
    return sorted(
        conn.scalars(
            select(categories.c.name)
            .join(post_categories, post_categories.c.category_id == categories.c.id)
            .where(post_categories.c.post_id == post_id)
        )
    )


def tag(
    engine: Engine,
    post_id: int,
    user: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> list[str]:
    """Tag the post by hand with categories `add` and untag `remove`, as `user`; return the
    hand-tagged categories now. Audited in label_changes ({"categories": [...]} before and
    after); a change to what is already there records nothing."""
    adding = {category_name(n) for n in add}
    removing = {category_name(n) for n in remove}
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.scalar(select(posts.c.id).where(posts.c.id == post_id, LIVE_POSTS)) is None:
            raise NotFound(f"no post #{post_id}")
        ids = dict(
            conn.execute(
                select(categories.c.name, categories.c.id).where(
                    categories.c.name.in_(adding | removing)
                )
            ).all()
        )
        missing = sorted((adding | removing) - set(ids))
        if missing:
            known = ", ".join(r["name"] for r in list_categories(conn)) or "-"
            raise UserError(
                f"no category {missing[0]!r} (categories: {known}); "
                "define it with `escucha categories add`"
            )
        before = _hand_tags(conn, post_id)
        after = sorted((set(before) | adding) - removing)
        if after == before:
            return before
        for name in sorted(set(after) - set(before)):
            conn.execute(
                insert(post_categories).values(
                    post_id=post_id, category_id=ids[name], tagged_by=user, tagged_at=now
                )
            )
        gone = [ids[n] for n in set(before) - set(after)]
        if gone:
            conn.execute(
                delete(post_categories).where(
                    post_categories.c.post_id == post_id,
                    post_categories.c.category_id.in_(gone),
                )
            )
        conn.execute(
            insert(label_changes).values(
                post_id=post_id,
                changed_by=user,
                changed_at=now,
                before={"categories": before},
                after={"categories": after},
            )
        )
    return after


def set_tags(engine: Engine, post_id: int, user: str, names: Iterable[str]) -> list[str]:
    """Make the post's hand-tagged categories exactly `names` (audited as `tag`)."""
    wanted = {category_name(n) for n in names}
    with engine.connect() as conn:
        current = set(_hand_tags(conn, post_id))
    return tag(engine, post_id, user, add=wanted - current, remove=current - wanted)


def hand_tags(conn: Connection, post_id: int) -> list[str]:
    """The categories the post is tagged with by hand, by name."""
    return _hand_tags(conn, post_id)


def post_categories_of(conn: Connection, post_id: int, model_version: str) -> list[dict]:
    """The categories one post belongs to: name, `by_hand` (tagged), `by_query` (its saved
    query matches the post)."""
    hand = set(_hand_tags(conn, post_id))
    found = []
    for row in conn.execute(select(categories.c.name, categories.c.query).order_by("name")):
        by_query = bool(
            row.query and select_posts(conn, parse(row.query), model_version, within=[post_id])
        )
        if row.name in hand or by_query:
            found.append({"name": row.name, "by_hand": row.name in hand, "by_query": by_query})
    return found


def category_members(
    conn: Connection, model_version: str, names: Sequence[str] | None = None
) -> dict[str, list[int]]:
    """Each category's live post ids (tagged by hand or matching its query), by name."""
    wanted = [category_name(n) for n in names] if names is not None else None
    stmt = select(categories.c.name).order_by(categories.c.name)
    if wanted is not None:
        stmt = stmt.where(categories.c.name.in_(wanted))
    return {
        name: select_posts(conn, parse(f'category:"{name}"'), model_version)
        for name in conn.scalars(stmt)
    }
