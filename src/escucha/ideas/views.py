"""Reading the backlog: the list of ideas with their numbers, one idea's posts and askers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from escucha.core.timeutil import as_utc
from escucha.errors import UserError
from escucha.i18n import Message
from escucha.ideas.common import STATUSES, idea_row
from escucha.store.schema import authors, enrichments, idea_posts, ideas, posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context
    from escucha.insights.periods import Period

QUOTE_CHARS = 280


def _trend(times: list[datetime], end: datetime, periods: int, days: int) -> list[int]:
    """Posts per period of `days`, the last period ending at `end`; oldest first."""
    counts = [0] * periods
    step = timedelta(days=days)
    for when in times:
        back = int((end - when) // step) if when <= end else -1
        if 0 <= back < periods:
            counts[periods - 1 - back] += 1
    return counts


def list_ideas(
    workspace: Context,
    *,
    status: str | None = None,
    lang: str | None = None,
    include_duplicates: bool = False,
    periods: int = 4,
    period_days: int = 7,
    period: Period | None = None,
) -> list[dict]:
    """Ideas, most posts first, each with posts, askers (distinct author and source), first and
    last seen, `lead` (fewer than two askers: not an idea until a second person asks), and
    `trend`: posts in each of the last `periods` periods of `period_days` days, oldest first,
    ending at the newest post in the idea's language from the sources its posts came from
    (the data's time, not the clock's: sources collected over different periods each get
    their own, and a few posts of another source read as this language do not move it).

    With a `period` (UTC days), posts and askers count only the idea's posts dated in it, and
    ideas without such a post are left out; the trend stays the last weeks of the data."""
    if status is not None and status not in STATUSES:
        raise UserError(
            Message("idea_unknown_status", {"status": status, "allowed": ", ".join(STATUSES)})
        )
    query = select(ideas).order_by(ideas.c.id)
    if status is not None:
        query = query.where(ideas.c.status == status)
    elif not include_duplicates:
        query = query.where(ideas.c.status != "duplicate")
    if lang is not None:
        query = query.where(ideas.c.lang == lang)
    with workspace.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        held = conn.execute(
            select(idea_posts.c.idea_id, posts.c.created_at, posts.c.source, posts.c.author_handle)
            .select_from(idea_posts.join(posts, posts.c.id == idea_posts.c.post_id))
            .order_by(idea_posts.c.idea_id)
        ).all()
        newest = conn.execute(
            select(posts.c.source, enrichments.c.lang, func.max(posts.c.created_at))
            .select_from(posts.join(enrichments, enrichments.c.post_id == posts.c.id))
            .group_by(posts.c.source, enrichments.c.lang)
        ).all()
    ends = {(source, lang): as_utc(when) for source, lang, when in newest if when is not None}
    end_any = max(ends.values(), default=None)
    times: dict[int, list[datetime]] = defaultdict(list)
    askers: dict[int, set[tuple[str, str]]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    sources: dict[int, set[str]] = defaultdict(set)
    for idea_id, created, source, handle in held:
        if period is not None and not _inside(as_utc(created), period):
            continue
        counts[idea_id] += 1
        sources[idea_id].add(source)
        if created is not None:
            times[idea_id].append(as_utc(created))
        if handle:
            askers[idea_id].add((source, handle))
    found = []
    for row in rows:
        idea_id = row["id"]
        if period is not None and not counts[idea_id]:
            continue
        end = max(
            (e for s in sources[idea_id] if (e := ends.get((s, row["lang"]))) is not None),
            default=end_any,
        )
        found.append(
            {
                "id": idea_id,
                "key": row["key"],
                "title": row["title"],
                "lang": row["lang"],
                "status": row["status"],
                "merged_into": row["merged_into"],
                "posts": counts[idea_id],
                "askers": len(askers[idea_id]),
                "lead": len(askers[idea_id]) < 2,
                "first_seen": as_utc(row["first_seen"]),
                "last_seen": as_utc(row["last_seen"]),
                "trend": _trend(times[idea_id], end, periods, period_days) if end else [],
                "trend_days": period_days,
            }
        )
    return sorted(found, key=lambda i: (-i["posts"], -i["askers"], i["id"]))


def _inside(created: datetime | None, period: Period) -> bool:
    return created is not None and period.start <= created.date() <= period.end


def idea_languages(context: Context) -> list[str]:
    """The languages ideas are in."""
    with context.engine.connect() as conn:
        return sorted(conn.scalars(select(ideas.c.lang).distinct()))


def idea_askers(workspace: Context, idea_id: int) -> list[dict]:
    """Who asked for the idea (merged duplicates included): handle, source, display name,
    profile URL and how many of the idea's posts they wrote, most posts first."""
    joined = idea_posts.join(posts, posts.c.id == idea_posts.c.post_id).outerjoin(
        authors, authors.c.id == posts.c.author_id
    )
    with workspace.engine.connect() as conn:
        idea_row(conn, idea_id)
        rows = conn.execute(
            select(
                posts.c.source,
                posts.c.author_handle,
                func.max(authors.c.display_name),
                func.max(authors.c.profile_url),
                func.count(),
                func.min(posts.c.created_at),
                func.max(posts.c.created_at),
            )
            .select_from(joined)
            .where(idea_posts.c.idea_id == idea_id, posts.c.author_handle.is_not(None))
            .group_by(posts.c.source, posts.c.author_handle)
        ).all()
    found = [
        {
            "handle": handle,
            "source": source,
            "display_name": name,
            "profile_url": profile,
            "posts": n,
            "first_seen": as_utc(first),
            "last_seen": as_utc(last),
        }
        for source, handle, name, profile, n, first, last in rows
    ]
    return sorted(found, key=lambda a: (-a["posts"], a["source"], a["handle"]))


def show_idea(workspace: Context, idea_id: int) -> dict:
    """One idea: its row, its posts (oldest first, quoted), askers and merged duplicates."""
    with workspace.engine.connect() as conn:
        idea = idea_row(conn, idea_id)
        held = conn.execute(
            select(
                posts.c.id,
                posts.c.source,
                posts.c.native_id,
                posts.c.author_handle,
                posts.c.created_at,
                posts.c.url,
                posts.c.text,
            )
            .select_from(idea_posts.join(posts, posts.c.id == idea_posts.c.post_id))
            .where(idea_posts.c.idea_id == idea_id)
            .order_by(posts.c.created_at, posts.c.id)
        ).all()
        duplicates = conn.scalars(
            select(ideas.c.id).where(ideas.c.merged_into == idea_id).order_by(ideas.c.id)
        ).all()
    idea["posts"] = [
        {
            "id": row.id,
            "source": row.source,
            "native_id": row.native_id,
            "author": row.author_handle,
            "created_at": as_utc(row.created_at),
            "url": row.url,
            "quote": _quote(row.text),
        }
        for row in held
    ]
    idea["askers"] = idea_askers(workspace, idea_id)
    idea["duplicates"] = list(duplicates)
    return idea


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def ideas_frame(workspace: Context, **filters: object) -> pd.DataFrame:
    """`list_ideas` as a DataFrame (one row per idea, the same columns and filters)."""
    import pandas as pd

    return pd.DataFrame(list_ideas(workspace, **filters))  # type: ignore[arg-type]
