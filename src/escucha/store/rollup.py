"""The mention rollup: brand mentions counted per (model version, language, brand, sentiment,
UTC day), and live posts per (model version, language, day), kept up to date for the days that
changed, so the overview reads a few thousand rows instead of joining every post, enrichment,
brand mention and engagement count (62 s at 10M posts on PostgreSQL).

Writers need not know it exists: database triggers (store/rollup_marks.py) mark the UTC days a
change touches in `rollup_dirty`, whoever writes.

A read (`refresh`) drains the marks with `DELETE ... RETURNING` in one statement, so it takes
exactly the marks it saw, recomputes those days with the grouped joins restricted to their
posts (`posts.created_at` ranges, indexed), and commits both together: a day marked again by
a writer meanwhile stays marked. Refreshers wait for each other (a transaction-scoped advisory
lock on PostgreSQL; SQLite's one writer), writers never wait for them. A model version is
kept from the first time it is read (`rollup_versions`), built then with one whole-store
query; a writer that bypasses the triggers (bench/load_generate.py's COPY with
`session_replication_role = replica`) calls `rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)

from escucha.core.labels import UNKNOWN_LANG
from escucha.store.rollup_marks import UNDATED, WATCHED, create_triggers, drop_triggers
from escucha.store.schema import (
    LIVE_POSTS,
    brand_mentions,
    enrichments,
    mention_rollup,
    post_engagement,
    post_labels,
    post_rollup,
    posts,
    rollup_dirty,
    rollup_versions,
)
from escucha.store.search import intent_pattern

__all__ = ["UNDATED", "WATCHED", "create_triggers", "drop_triggers", "rebuild", "refresh"]

_LOCK = 0x726F6C6C  # the refreshers' advisory lock on PostgreSQL ("roll")
_CHUNK = 900  # values per IN (...) list: below SQLite's bound-parameter limit
_MAX_RANGES = 50  # more separate runs of days than this: one pass over every post instead
_SUMS = ["mentions", "reach", "reach_known", "engagement", "engagement_known", "complaint", "wish"]


def utc_day(dialect: str) -> ColumnElement[str]:
    """The UTC calendar day of a post as YYYY-MM-DD text (NULL without a date)."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", posts.c.created_at)
        return func.to_char(utc, "YYYY-MM-DD", type_=String)
    return func.substr(posts.c.created_at, 1, 10, type_=String)  # stored as UTC ISO text


# -- the grouped join, for some days ----------------------------------------------------------


def grouped(conn: Connection, model_version: str, where: ColumnElement[bool]) -> Select:
    """The rollup's rows of `model_version` for the posts `where` selects: mentions, reach and
    engagement per (lang, brand, sentiment, day), an analyst's sentiment over the model's,
    and how many the model flagged complaint and wish."""
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    sentiment = func.coalesce(post_labels.c.sentiment, enrichments.c.sentiment, literal("", String))
    day = utc_day(conn.dialect.name)  # grouped as is: PostgreSQL has statistics on it (0026)
    labels = cast(enrichments.c.intents, String)

    def flagged(intent: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((labels.like(intent_pattern(intent)), 1), else_=0)), 0)

    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    followers, engagement = post_engagement.c.followers, post_engagement.c.engagement
    return (
        select(
            literal(model_version, String),
            lang,
            brand_mentions.c.brand,
            sentiment,
            func.coalesce(day, literal(UNDATED, String)),
            func.count(),
            func.coalesce(func.sum(followers), 0),
            func.count(followers),
            func.coalesce(func.sum(engagement), 0),
            func.count(engagement),
            flagged("complaint"),
            flagged("wish"),
        )
        .select_from(
            brand_mentions.join(posts, posts.c.id == brand_mentions.c.post_id)
            .outerjoin(enrichments, join)
            .outerjoin(post_engagement, post_engagement.c.post_id == posts.c.id)
            .outerjoin(post_labels, post_labels.c.post_id == posts.c.id)
        )
        .where(LIVE_POSTS, where)
        .group_by(lang, brand_mentions.c.brand, sentiment, day)
    )


def grouped_posts(conn: Connection, model_version: str, where: ColumnElement[bool]) -> Select:
    """The post rollup's rows of `model_version` for the posts `where` selects: live posts per
    (day, lang), in the language the model version gave them (unknown: not read by it)."""
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    day = utc_day(conn.dialect.name)
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    return (
        select(
            literal(model_version, String),
            func.coalesce(day, literal(UNDATED, String)),
            lang,
            func.count(),
        )
        .select_from(posts.outerjoin(enrichments, join))
        .where(LIVE_POSTS, where)
        .group_by(day, lang)
    )


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _of_days(conn: Connection, days: set[str]) -> ColumnElement[bool]:
    """The posts of these days ("" the undated): `created_at` ranges the index serves, or for
    many scattered days their day compared (one pass over every post)."""
    dated = {date.fromisoformat(d) for d in days if d != UNDATED}
    runs = _runs(dated)
    undated = posts.c.created_at.is_(None) if UNDATED in days else false()
    if len(runs) > _MAX_RANGES:
        return or_(utc_day(conn.dialect.name).in_(sorted(d for d in days if d)), undated)
    ranges = [
        and_(
            posts.c.created_at >= _midnight(first),
            posts.c.created_at < _midnight(last + timedelta(days=1)),
        )
        for first, last in runs
    ]
    return or_(*ranges, undated)


# -- keeping it up to date ---------------------------------------------------------------------


def _stale(conn: Connection, model_version: str) -> bool:
    found = conn.execute(
        select(
            select(rollup_dirty.c.id).exists(),
            select(rollup_versions.c.model_version)
            .where(rollup_versions.c.model_version == model_version)
            .exists(),
        )
    ).one()
    return bool(found[0]) or not found[1]


def refresh(conn: Connection, model_version: str) -> None:
    """Bring the rollup up to date: recompute the marked days of every kept model version, and
    build `model_version`'s rows if it was never read. Commits unless `conn` is already in a
    transaction (then it is part of the caller's). Cheap when nothing changed: one query."""
    owned = not conn.in_transaction()
    if _stale(conn, model_version):
        _refresh(conn, model_version)
    if owned:
        conn.commit()


def _refresh(conn: Connection, model_version: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_LOCK)))
    # First statement that writes: on SQLite it takes the store's write lock here.
    days = set(conn.scalars(delete(rollup_dirty).returning(rollup_dirty.c.day)))
    kept = set(conn.scalars(select(rollup_versions.c.model_version)))
    if model_version not in kept:
        conn.execute(insert(rollup_versions).values(model_version=model_version))
        _insert(conn, model_version, true())
    if not days or not kept:
        return
    ordered = sorted(days)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for table in (mention_rollup, post_rollup):
            conn.execute(
                delete(table).where(table.c.day.in_(chunk), table.c.model_version.in_(kept))
            )
    where = _of_days(conn, days)
    for version in sorted(kept):
        _insert(conn, version, where)


def _insert(conn: Connection, model_version: str, where: ColumnElement[bool]) -> None:
    """Both rollups' rows of `model_version` for the posts `where` selects."""
    columns = ["model_version", "lang", "brand", "sentiment", "day", *_SUMS]
    conn.execute(insert(mention_rollup).from_select(columns, grouped(conn, model_version, where)))
    columns = ["model_version", "day", "lang", "posts"]
    conn.execute(
        insert(post_rollup).from_select(columns, grouped_posts(conn, model_version, where))
    )


def rebuild(conn: Connection, model_versions: Iterable[str] = ()) -> None:
    """Forget the rollup and build it again for `model_versions` (inside the caller's
    transaction): after writes that bypassed the triggers."""
    conn.execute(delete(rollup_dirty))
    conn.execute(delete(mention_rollup))
    conn.execute(delete(post_rollup))
    conn.execute(delete(rollup_versions))
    for version in sorted(set(model_versions)):
        conn.execute(insert(rollup_versions).values(model_version=version))
        _insert(conn, version, true())


def stored_versions(conn: Connection) -> list[str]:
    """The model versions that analysed some post."""
    return list(conn.scalars(select(enrichments.c.model_version).distinct()))
