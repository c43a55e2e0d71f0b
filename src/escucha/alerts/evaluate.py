"""Evaluate the rules on the store at a moment of the data's time: which alerts fire."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, func, select

from escucha.alerts import spikes
from escucha.alerts.config import AlertConfig, Rule
from escucha.core.timeutil import as_utc
from escucha.errors import UserError
from escucha.store.schema import alerts, brand_mentions, enrichments, posts

if TYPE_CHECKING:
    from escucha.core.context import Context

HOUR = timedelta(hours=1)
QUOTED_POSTS = 5
CHUNK = 5000


@dataclass(frozen=True)
class Fired:
    """An alert the rules raise now; `run` stores it once and delivers it."""

    rule: str
    metric: str
    subject: str
    window_start: datetime
    window_end: datetime
    value: float
    message: str
    details: dict = field(default_factory=dict)
    channels: tuple[str, ...] = ()


def window_end(at: datetime | None, latest: datetime | None) -> datetime | None:
    """Windows end on the hour: `at` rounded up, or the hour after the newest post."""
    if at is not None:
        at = as_utc(at)
        floor = at.replace(minute=0, second=0, microsecond=0)
        return floor if floor == at else floor + HOUR
    if latest is None:
        return None
    return latest.replace(minute=0, second=0, microsecond=0) + HOUR


def _events(conn: Connection, version: str, start: datetime, end: datetime, ids=None):
    """(brand or None, created_at, negative?) of posts in [start, end), optionally only `ids`."""
    sentiment = select(enrichments.c.post_id, enrichments.c.sentiment).where(
        enrichments.c.model_version == version
    )
    sentiment = sentiment.subquery()
    base = posts.outerjoin(sentiment, sentiment.c.post_id == posts.c.id)
    period = and_(posts.c.created_at >= start, posts.c.created_at < end)
    if ids is None:
        query = (
            select(brand_mentions.c.brand, posts.c.created_at, sentiment.c.sentiment)
            .distinct()
            .select_from(base.join(brand_mentions, brand_mentions.c.post_id == posts.c.id))
            .where(period)
        )
        return [(b, as_utc(t), s == "negative") for b, t, s in conn.execute(query)]
    found = []
    for i in range(0, len(ids), CHUNK):
        query = (
            select(posts.c.created_at, sentiment.c.sentiment)
            .select_from(base)
            .where(period, posts.c.id.in_(ids[i : i + CHUNK]))
        )
        found += [(None, as_utc(t), s == "negative") for t, s in conn.execute(query)]
    return found


def _query_ids(conn: Connection, text: str, version: str, start: datetime, end: datetime):
    """Ids of posts matching the query on the days of [start, end) (the SQL narrows by day)."""
    from escucha.query import Query, parse, select_posts
    from escucha.query.ast import ONE_DAY, And, DateRange

    query = parse(text)
    days = DateRange(start.date(), (end - timedelta(microseconds=1)).date() + ONE_DAY)
    return select_posts(conn, Query(text, And((query.root, days))), version)


def _spikes(rule: Rule, subject: str, noun: str, events, end: datetime) -> list[Fired]:
    setting = rule.spike
    count = 1 + setting.baseline // setting.window
    series = spikes.windows(events, end, setting.window, count)
    found = []
    for metric in rule.metrics:
        base = spikes.check(series, metric, setting.k, setting.min_count)
        if base is None:
            continue
        latest = series[0]
        text = spikes.message(
            subject, noun, metric, latest, base, end, setting.window, setting.baseline, setting.k
        )
        found.append(
            Fired(
                rule=rule.name,
                metric=metric,
                subject=subject[:255],
                window_start=end - setting.window,
                window_end=end,
                value=latest.posts if metric == "volume" else latest.share,
                message=text,
                details={
                    "posts": latest.posts,
                    "negative": latest.negative,
                    "baseline_mean": base.mean,
                    "baseline_sd": base.sd,
                    "baseline_windows": base.windows,
                    "k": setting.k,
                    "min_count": setting.min_count,
                    "query": rule.query,
                },
                channels=rule.channels,
            )
        )
    return found


def _matches(conn: Connection, rule: Rule, version: str, end: datetime) -> list[Fired]:
    """New posts matching the rule in the window to `end` that no earlier alert carried."""
    start = end - rule.spike.window
    ids = _query_ids(conn, rule.query, version, start, end)
    earlier = conn.execute(
        select(alerts.c.details).where(
            alerts.c.rule == rule.name, alerts.c.metric == "match", alerts.c.window_end >= start
        )
    ).scalars()
    seen = {i for details in earlier for i in details.get("post_ids", [])}
    rows = []
    for i in range(0, len(ids), CHUNK):
        chunk = [p for p in ids[i : i + CHUNK] if p not in seen]
        rows += conn.execute(
            select(posts.c.id, posts.c.created_at, posts.c.author_handle, posts.c.url, posts.c.text)
            .where(posts.c.id.in_(chunk), posts.c.created_at >= start, posts.c.created_at < end)
            .order_by(posts.c.created_at, posts.c.id)
        ).all()
    if len(rows) < rule.threshold:
        return []
    first, last = as_utc(rows[0].created_at), as_utc(rows[-1].created_at)
    text = (
        f"{rule.name}: {len(rows):,} new post{'s' if len(rows) != 1 else ''} matching "
        f"{rule.query!r} from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
    )
    quoted = [
        {
            "author": r.author_handle,
            "created_at": as_utc(r.created_at).isoformat(),
            "url": r.url,
            "text": " ".join(r.text.split())[:280],
        }
        for r in rows[:QUOTED_POSTS]
    ]
    return [
        Fired(
            rule=rule.name,
            metric="match",
            subject=rule.query[:255],
            window_start=first,
            window_end=last,
            value=len(rows),
            message=text,
            details={"post_ids": [r.id for r in rows], "quotes": quoted, "query": rule.query},
            channels=rule.channels,
        )
    ]


def evaluate(
    workspace: Context, config: AlertConfig, at: datetime | None = None
) -> tuple[datetime | None, list[Fired], list[str]]:
    """The windows' end, the alerts that fire there, and notes on rules that could not run."""
    from escucha.enrich import current_model_version

    version = current_model_version(workspace)
    fired: list[Fired] = []
    notes: list[str] = []
    with workspace.engine.connect() as conn:
        first, latest = conn.execute(
            select(func.min(posts.c.created_at), func.max(posts.c.created_at))
        ).one()
        end = window_end(at, as_utc(latest))
        if end is None:
            return None, [], ["no dated posts yet"]
        if at is not None and as_utc(at) < as_utc(first):
            raise UserError(f"--at {at:%Y-%m-%d %H:%M} is before the first post")
        for rule in config.rules:
            if rule.kind == "match":
                fired += _matches(conn, rule, version, end)
                continue
            start = end - rule.spike.window - rule.spike.baseline
            if as_utc(first) >= start + rule.spike.window:  # the oldest window would be empty
                notes.append(
                    f"{rule.name}: the data starts {as_utc(first):%Y-%m-%d %H:%M} UTC, after the "
                    f"baseline's first window ({start:%Y-%m-%d %H:%M} UTC); no spike check"
                )
                continue
            if rule.query is None:
                per_brand = defaultdict(list)
                for brand, when, negative in _events(conn, version, start, end):
                    per_brand[brand].append((when, negative))
                for brand in [b.name for b in workspace.config.brands]:
                    fired += _spikes(rule, brand, "mentions", per_brand.get(brand, []), end)
            else:
                ids = _query_ids(conn, rule.query, version, start, end)
                events = [(t, n) for _, t, n in _events(conn, version, start, end, ids)]
                fired += _spikes(rule, rule.name, "posts", events, end)
    return end, fired, notes
