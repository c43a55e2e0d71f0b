"""The inbox: posts that ask something of us, with a status, an assignee and a priority.

A post enters the inbox when the current model read a complaint, a question or a wish in it
and it mentions our brand or replies to a post by one of our accounts (the `[brand]`
handles). Refreshing is a few set-based statements and idempotent: a post is an item once.
An item is answered when a post by one of our accounts appears in its thread after it (a
reply below it at any depth, found by walking our posts' parents in the store, or a later
post with the same root id), whichever tool sent it.

The priority is computed when the inbox is read, so the waiting time is always current; each
item states the reasons behind its number (PRIORITY_RULES).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from escucha.core.context import Context
from escucha.errors import NotFound, UserError
from escucha.query.fields import ascii_lower
from escucha.query.sql import AsciiLower
from escucha.store.schema import (
    authors,
    brand_mentions,
    enrichments,
    inbox_items,
    posts,
    settings,
)
from escucha.store.writer import insert_ignore, put_setting

STATUSES = ("new", "assigned", "answered", "closed", "no_reply_needed")
OPEN = ("new", "assigned")  # still waiting for us
INTENT_WEIGHT = {"complaint": 3.0, "question": 2.0, "wish": 1.0}  # complaint > question > wish
REACH = ((10_000, 2.0), (1_000, 1.0), (100, 0.5))  # author followers at least N: + points
WAITING_HOURS = ((24, 2.0), (4, 1.0), (1, 0.5))  # an open item waiting at least N hours
REPEAT_POINTS = 1.0  # the author has asked us more than once
THREAD_DEPTH = 50  # how far up the parents of our posts an answered item is looked for
UPTO_KEY = "inbox_upto"  # the refresh's watermark: "<rules fingerprint>:<enrichment id>"


@dataclass(frozen=True, slots=True)
class Refreshed:
    added: int  # new inbox items
    answered: int  # items whose first response by us was found now


@dataclass(frozen=True, slots=True)
class InboxFilters:
    status: tuple[str, ...] = ()
    intent: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    assignee: str | None = None

    def checked(self) -> InboxFilters:
        for name, values, allowed in (
            ("status", self.status, STATUSES),
            ("intent", self.intent, tuple(INTENT_WEIGHT)),
        ):
            for value in values:
                if value not in allowed:
                    raise UserError(
                        f"unknown {name} {value!r}; {name}es are {', '.join(allowed)}"
                        if name == "status"
                        else f"unknown {name} {value!r}; intents are {', '.join(allowed)}"
                    )
        return self


def our_handles(ctx: Context) -> list[str]:
    """Our brand's handles, lower-cased without the leading @ (as authors are matched)."""
    brand = ctx.config.brand
    return [ascii_lower(h).lstrip("@") for h in brand.handles] if brand else []


def our_authors(handles: Sequence[str]) -> Select[tuple[int]]:
    """The authors that are our accounts: their handle is one of ours (any platform)."""
    return select(authors.c.id).where(
        func.ltrim(AsciiLower(authors.c.handle), "@").in_(list(handles))
    )


def _labelled(intent: str) -> ColumnElement[bool]:
    return cast(enrichments.c.intents, Text).like(f'%"{intent}"%')


def _fingerprint(ctx: Context, version: str) -> str:
    brand = ctx.config.brand.name if ctx.config.brand else ""
    spec = "\n".join([version, brand, *sorted(our_handles(ctx))])
    return hashlib.sha1(spec.encode()).hexdigest()[:12]


def refresh_inbox(ctx: Context, now: datetime | None = None) -> Refreshed:
    """Add the posts read since the last refresh that ask something of us; find our answers.

    Enrichment rows are read past a watermark (their id); a new model version or new brand
    rules or handles start again from the beginning. Re-running adds nothing twice.
    """
    from escucha.enrich import current_model_version

    now = now or datetime.now(UTC)
    version = current_model_version(ctx)
    fingerprint = _fingerprint(ctx, version)
    handles = our_handles(ctx)
    brand = ctx.config.brand.name if ctx.config.brand else None
    with ctx.engine.begin() as conn:
        stored = conn.scalar(select(settings.c.value).where(settings.c.key == UPTO_KEY)) or ""
        mark, _, upto = stored.partition(":")
        start = int(upto) if mark == fingerprint and upto.isdigit() else 0
        top = conn.scalar(select(func.max(enrichments.c.id))) or 0
        added = _add_items(conn, version, brand, handles, start, top, now) if top > start else 0
        put_setting(conn, UPTO_KEY, f"{fingerprint}:{top}")
        answered = _find_answers(conn, handles, now) if handles else 0
    return Refreshed(added, answered)


def _add_items(
    conn: Connection,
    version: str,
    brand: str | None,
    handles: list[str],
    start: int,
    top: int,
    now: datetime,
) -> int:
    about_us: list[ColumnElement[bool]] = []
    if brand:
        about_us.append(
            exists().where(
                and_(brand_mentions.c.post_id == posts.c.id, brand_mentions.c.brand == brand)
            )
        )
    ours = our_authors(handles)
    if handles:
        parent = posts.alias("parent")
        about_us.append(
            exists().where(
                and_(
                    parent.c.source == posts.c.source,
                    parent.c.native_id == posts.c.parent_id,
                    parent.c.author_id.in_(ours),
                )
            )
        )
    if not about_us:
        return 0
    intent = case(
        (_labelled("complaint"), literal("complaint")),
        (_labelled("question"), literal("question")),
        else_=literal("wish"),
    )
    asked = func.coalesce(posts.c.created_at, posts.c.fetched_at)
    chosen = (
        select(
            posts.c.id,
            posts.c.source,
            posts.c.native_id,
            func.coalesce(posts.c.root_id, posts.c.native_id),
            posts.c.author_id,
            enrichments.c.lang,
            intent,
            literal("new"),
            asked,
            literal(now, inbox_items.c.created_at.type),
            literal(now, inbox_items.c.updated_at.type),
        )
        .select_from(enrichments.join(posts, posts.c.id == enrichments.c.post_id))
        .where(
            enrichments.c.id > start,
            enrichments.c.id <= top,
            enrichments.c.model_version == version,
            or_(_labelled("complaint"), _labelled("question"), _labelled("wish")),
            or_(*about_us),
            or_(posts.c.author_id.is_(None), posts.c.author_id.not_in(ours)),
        )
    )
    columns = [
        "post_id",
        "source",
        "native_id",
        "thread_root",
        "author_id",
        "lang",
        "intent",
        "status",
        "asked_at",
        "created_at",
        "updated_at",
    ]
    count = select(func.count()).select_from(inbox_items)
    before = conn.scalar(count) or 0
    last = conn.scalar(select(func.max(inbox_items.c.id))) or 0
    conn.execute(insert_ignore(conn, inbox_items, ("post_id",)).from_select(columns, chosen))
    _count_askers(conn, last)  # also sets the new items' followers
    return (conn.scalar(count) or 0) - before  # rowcount is not reliable for INSERT ... SELECT


def _count_askers(conn: Connection, last: int) -> None:
    """Recount the items of the authors whose items were added past the id `last`, and take
    their authors' follower counts as they are now."""
    other = inbox_items.alias("other")
    added = select(inbox_items.c.author_id).where(
        inbox_items.c.id > last, inbox_items.c.author_id.is_not(None)
    )
    conn.execute(
        update(inbox_items)
        .where(inbox_items.c.author_id.in_(added))
        .values(
            asker_items=select(func.count())
            .where(other.c.author_id == inbox_items.c.author_id)
            .scalar_subquery(),
            followers=select(authors.c.followers)
            .where(authors.c.id == inbox_items.c.author_id)
            .scalar_subquery(),
        )
    )


def _find_answers(conn: Connection, handles: list[str], now: datetime) -> int:
    """Set the first response of unanswered items: our earliest post in their thread.

    Starts from our accounts' posts (few) and joins the items through indexed keys: the
    posts above ours (walked up by parent id in the store, so a reply of ours further down
    the thread counts where the platform gives no root id, as on Mastodon), or a later post
    in the same thread (its root).
    """
    ours = our_authors(handles)
    mine = posts.alias("mine")
    when = func.coalesce(mine.c.created_at, mine.c.fetched_at)
    waiting = inbox_items.c.first_response_at.is_(None)
    # (our post, the native id of a post above it, how far up), up to THREAD_DEPTH
    above = (
        select(
            mine.c.id.label("reply_id"),
            mine.c.source.label("source"),
            mine.c.parent_id.label("native_id"),
            literal(1).label("depth"),
        )
        .where(mine.c.author_id.in_(ours), mine.c.parent_id.is_not(None))
        .cte("above", recursive=True)
    )
    step = posts.alias("step")
    above = above.union_all(
        select(above.c.reply_id, above.c.source, step.c.parent_id, above.c.depth + 1).where(
            step.c.source == above.c.source,
            step.c.native_id == above.c.native_id,
            step.c.parent_id.is_not(None),
            above.c.depth < THREAD_DEPTH,
        )
    )
    direct = (
        select(inbox_items.c.id, when, mine.c.native_id)
        .select_from(
            above.join(
                inbox_items,
                and_(
                    inbox_items.c.source == above.c.source,
                    inbox_items.c.native_id == above.c.native_id,
                ),
            ).join(mine, mine.c.id == above.c.reply_id)
        )
        .where(waiting)
    )
    in_thread = (
        select(inbox_items.c.id, when, mine.c.native_id)
        .select_from(
            mine.join(
                inbox_items,
                and_(
                    inbox_items.c.source == mine.c.source,
                    inbox_items.c.thread_root == mine.c.root_id,
                ),
            )
        )
        .where(mine.c.author_id.in_(ours), waiting, when >= inbox_items.c.asked_at)
    )
    first: dict[int, tuple[datetime, str]] = {}
    for item_id, stored_at, native_id in [*conn.execute(direct), *conn.execute(in_thread)]:
        at = _utc(stored_at)
        if item_id not in first or at < first[item_id][0]:
            first[item_id] = (at, native_id)
    for item_id, (at, native_id) in first.items():
        conn.execute(
            update(inbox_items)
            .where(inbox_items.c.id == item_id, waiting)
            .values(
                first_response_at=at,
                answer_native_id=native_id,
                status=case(
                    (inbox_items.c.status.in_(OPEN), literal("answered")),
                    else_=inbox_items.c.status,
                ),
                updated_at=now,
            )
        )
    return len(first)


def _utc(value: datetime) -> datetime:
    """A stored, never-null time as an aware UTC datetime."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _priority_sql(
    now: datetime, repeats: ColumnElement[int], followers: ColumnElement[int]
) -> ColumnElement[float]:
    """The priority as SQL (for ordering); `priority_reasons` states the same rule."""
    intent = case(
        *[(inbox_items.c.intent == k, literal(v)) for k, v in INTENT_WEIGHT.items()],
        else_=literal(0.0),
    )
    reach = case(
        *[(func.coalesce(followers, 0) >= n, literal(p)) for n, p in REACH], else_=literal(0.0)
    )
    is_open = inbox_items.c.status.in_(OPEN)
    waiting = case(
        *[
            (and_(is_open, inbox_items.c.asked_at <= now - timedelta(hours=h)), literal(p))
            for h, p in WAITING_HOURS
        ],
        else_=literal(0.0),
    )
    repeated = case((repeats > 1, literal(REPEAT_POINTS)), else_=literal(0.0))
    return intent + reach + waiting + repeated


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason of an item's priority: a code (`intent`, `reach`, `waiting`, `repeated`),
    its values and its points, for a face to word in its language (`english` is the CLI's)."""

    code: str
    points: float
    intent: str = ""
    followers: int = 0
    waited: timedelta = timedelta(0)
    repeats: int = 0


def priority_parts(
    intent: str, followers: int | None, asked_at: datetime, status: str, repeats: int, now: datetime
) -> tuple[float, list[Reason]]:
    """The priority and its reasons, by the rule `_priority_sql` orders with."""
    score = INTENT_WEIGHT.get(intent, 0.0)
    reasons = [Reason("intent", score, intent=intent)]
    for n, points in REACH:
        if (followers or 0) >= n:
            score += points
            reasons.append(Reason("reach", points, followers=followers or 0))
            break
    if status in OPEN:
        hours = (now - asked_at).total_seconds() / 3600
        for h, points in WAITING_HOURS:
            if hours >= h:
                score += points
                reasons.append(Reason("waiting", points, waited=now - asked_at))
                break
    if repeats > 1:
        score += REPEAT_POINTS
        reasons.append(Reason("repeated", REPEAT_POINTS, repeats=repeats))
    return score, reasons


def english(reason: Reason) -> str:
    """A reason as the CLI and the API state it (their contract: English)."""
    points = f"(+{reason.points:g})"
    if reason.code == "reach":
        return f"reach: {reason.followers:,} followers {points}"
    if reason.code == "waiting":
        return f"waiting {duration(reason.waited)} {points}"
    if reason.code == "repeated":
        return f"repeated asker: {reason.repeats} posts in the inbox {points}"
    return f"{reason.intent} {points}"


def priority_reasons(
    intent: str, followers: int | None, asked_at: datetime, status: str, repeats: int, now: datetime
) -> tuple[float, list[str]]:
    """The priority and its stated reasons, in English."""
    score, reasons = priority_parts(intent, followers, asked_at, status, repeats, now)
    return score, [english(r) for r in reasons]


def duration(delta: timedelta) -> str:
    """A waiting time in whole hours, as days and hours from a day on: "5 h", "2 d 3 h"."""
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"


def _ranked(now: datetime) -> Select:
    """Items with their repeats and priority, highest first (then the longest waiting).

    Ordering reads the items alone (the followers are kept on each item), so a page of the
    largest inbox sorts narrow rows; the authors' handles are read for the page only."""
    repeats = inbox_items.c.asker_items
    priority = _priority_sql(now, repeats, inbox_items.c.followers).label("priority")
    return select(inbox_items, repeats.label("repeats"), priority).order_by(
        priority.desc(), inbox_items.c.asked_at, inbox_items.c.id
    )


def list_inbox(
    ctx: Context,
    filters: InboxFilters | None = None,
    *,
    limit: int | None = 50,
    offset: int = 0,
    now: datetime | None = None,
    word: Callable[[Reason], str] = english,
) -> list[dict]:
    """A page of items, highest priority first (then the longest waiting), with reasons
    (worded by `word`: English unless a face words them in its user's language)."""
    filters = (filters or InboxFilters()).checked()
    now = now or datetime.now(UTC)
    query = _ranked(now).limit(limit).offset(offset)
    for column, values in (
        (inbox_items.c.status, filters.status),
        (inbox_items.c.intent, filters.intent),
        (inbox_items.c.lang, filters.lang),
        (inbox_items.c.source, filters.source),
    ):
        if values:
            query = query.where(column.in_(values))
    if filters.assignee is not None:
        query = query.where(inbox_items.c.assignee == filters.assignee)
    return _items(ctx, query, now, word)


def inbox_item(
    ctx: Context,
    post_id: int,
    *,
    now: datetime | None = None,
    word: Callable[[Reason], str] = english,
) -> dict | None:
    """The inbox item of one post, as `list_inbox` shows it; None when it is not in the inbox."""
    now = now or datetime.now(UTC)
    found = _items(ctx, _ranked(now).where(inbox_items.c.post_id == post_id), now, word)
    return found[0] if found else None


def _items(ctx: Context, query: Select, now: datetime, word: Callable[[Reason], str]) -> list[dict]:
    with ctx.engine.connect() as conn:
        rows = [row._mapping for row in conn.execute(query)]
        # the posts' texts only for the page (ordering reads the items alone)
        texts = {
            r.id: (r.text, r.url)
            for r in conn.execute(
                select(posts.c.id, posts.c.text, posts.c.url).where(
                    posts.c.id.in_([row["post_id"] for row in rows])
                )
            )
        }
        handles = dict(
            conn.execute(
                select(authors.c.id, authors.c.handle).where(
                    authors.c.id.in_({row["author_id"] for row in rows} - {None})
                )
            ).all()
        )
    return [
        _item(row, texts[row["post_id"]], handles.get(row["author_id"]), now, word) for row in rows
    ]


def _item(
    row: RowMapping,
    post: tuple[str, str | None],
    author: str | None,
    now: datetime,
    word: Callable[[Reason], str],
) -> dict:
    asked = _utc(row["asked_at"])
    first = _utc(row["first_response_at"]) if row["first_response_at"] else None
    score, reasons = priority_parts(
        row["intent"], row["followers"], asked, row["status"], row["repeats"], now
    )
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "source": row["source"],
        "native_id": row["native_id"],
        "status": row["status"],
        "priority": score,
        "reasons": [word(r) for r in reasons],
        "intent": row["intent"],
        "lang": row["lang"],
        "assignee": row["assignee"],
        "author": author,
        "text": post[0],
        "url": post[1],
        "asked_at": asked.isoformat(),
        "first_response_at": first.isoformat() if first else None,
        "response_seconds": int((first - asked).total_seconds()) if first else None,
    }


def item_for_post(conn: Connection, post_id: int) -> dict | None:
    row = conn.execute(select(inbox_items).where(inbox_items.c.post_id == post_id)).first()
    return dict(row._mapping) if row else None


def set_status(
    ctx: Context,
    post_id: int,
    status: str,
    *,
    by: str,
    assignee: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Assign, close or mark an item as needing no reply (by its post's id)."""
    if status not in STATUSES:
        raise UserError(f"unknown status {status!r}; statuses are {', '.join(STATUSES)}")
    if status == "assigned" and not (assignee or "").strip():
        raise UserError("assign needs a person: --to NAME")
    values: dict[str, object] = {"status": status, "updated_at": now or datetime.now(UTC)}
    values["updated_by"] = by
    if status == "assigned":
        values["assignee"] = (assignee or "").strip()
    with ctx.engine.begin() as conn:
        done = conn.execute(
            update(inbox_items).where(inbox_items.c.post_id == post_id).values(**values)
        )
        if not done.rowcount:
            raise NotFound(f"post {post_id} is not in the inbox")
        return item_for_post(conn, post_id) or {}


def mark_answered(conn: Connection, post_id: int, native_id: str, at: datetime, by: str) -> None:
    """Our reply was published: the item (if any) is answered, its first response set once."""
    conn.execute(
        update(inbox_items)
        .where(inbox_items.c.post_id == post_id)
        .values(
            status=case(
                (inbox_items.c.status.in_(OPEN), literal("answered")),
                else_=inbox_items.c.status,
            ),
            first_response_at=func.coalesce(inbox_items.c.first_response_at, at),
            answer_native_id=func.coalesce(inbox_items.c.answer_native_id, native_id),
            updated_at=at,
            updated_by=by,
        )
    )


def thread(ctx: Context, post_id: int, depth: int = 20) -> list[dict]:
    """The posts around one: its ancestors (by parent id) and the replies below it, in time
    order; each with whether our accounts wrote it."""
    handles = our_handles(ctx)
    with ctx.engine.connect() as conn:
        row = conn.execute(select(posts).where(posts.c.id == post_id)).first()
        if row is None:
            raise NotFound(f"no post {post_id}")
        found = {row.id: row}
        current = row
        for _ in range(depth):
            if not current.parent_id:
                break
            parent = conn.execute(
                select(posts).where(
                    posts.c.source == current.source, posts.c.native_id == current.parent_id
                )
            ).first()
            if parent is None or parent.id in found:
                break
            found[parent.id] = current = parent
        level = [row.native_id]
        for _ in range(depth):
            if not level:
                break
            replies = conn.execute(
                select(posts).where(posts.c.source == row.source, posts.c.parent_id.in_(level))
            ).all()
            level = [r.native_id for r in replies if r.id not in found]
            found.update({r.id: r for r in replies})
        ids = list(found)
        ours = (
            set(
                conn.scalars(
                    select(posts.c.id).where(
                        posts.c.id.in_(ids), posts.c.author_id.in_(our_authors(handles))
                    )
                )
            )
            if handles
            else set()
        )
    ordered = sorted(found.values(), key=lambda p: (_utc(p.created_at or p.fetched_at), p.id))
    return [
        {
            "post_id": p.id,
            "native_id": p.native_id,
            "parent_id": p.parent_id,
            "author": p.author_handle,
            "text": p.text,
            "created_at": _utc(p.created_at).isoformat() if p.created_at else None,
            "ours": p.id in ours,
            "selected": p.id == post_id,
        }
        for p in ordered
    ]
