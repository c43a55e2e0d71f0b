"""Correcting the machine: an analyst relabels a post's sentiment and intents. The labels
override the model's in every read (reads/posts.py, reads/mentions.py), each correction is
audited (who, when, the labels before and after), and the labels are exported as training
data (`escucha labels export`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.core.timeutil import as_utc
from escucha.errors import NotFound, UserError
from escucha.store.schema import (
    LIVE_POSTS,
    enrichments,
    label_changes,
    post_labels,
    posts,
)

Labels = dict[str, Any]  # {"sentiment": str | None, "intents": list[str]}


def check_labels(sentiment: str | None, intents: Sequence[str] | None) -> None:
    """One clear error naming a sentiment or an intent that does not exist."""
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise UserError(f"sentiment {sentiment!r}: choose one of {', '.join(SENTIMENTS)}")
    for intent in intents or ():
        if intent not in INTENTS:
            raise UserError(f"intent {intent!r}: choose among {', '.join(INTENTS)}")


def _shown(conn: Connection, post_id: int, model_version: str) -> Labels:
    """The labels every read shows for the post now: the analyst's over the model's."""
    row = conn.execute(
        select(
            posts.c.id,
            enrichments.c.sentiment,
            enrichments.c.intents,
            post_labels.c.sentiment.label("own_sentiment"),
            post_labels.c.intents.label("own_intents"),
        )
        .select_from(
            posts.outerjoin(
                enrichments,
                and_(
                    enrichments.c.post_id == posts.c.id,
                    enrichments.c.model_version == model_version,
                ),
            ).outerjoin(post_labels, post_labels.c.post_id == posts.c.id)
        )
        .where(posts.c.id == post_id, LIVE_POSTS)
    ).first()
    if row is None:
        raise NotFound(f"no post #{post_id}")
    intents = row.own_intents if row.own_intents is not None else row.intents
    return {
        "sentiment": row.own_sentiment or row.sentiment,
        "intents": list(intents) if isinstance(intents, list) else [],
    }


def relabel(
    engine: Engine,
    post_id: int,
    user: str,
    model_version: str,
    *,
    sentiment: str | None = None,
    intents: Sequence[str] | None = None,
) -> Labels:
    """Set a post's sentiment and/or intents (None leaves that one as it is) as `user`;
    return the labels now shown. Every change is audited; a relabel to what is already
    shown changes nothing and records nothing."""
    check_labels(sentiment, intents)
    chosen = None if intents is None else [i for i in INTENTS if i in set(intents)]
    now = datetime.now(UTC)
    with engine.begin() as conn:
        before = _shown(conn, post_id, model_version)
        after = {
            "sentiment": before["sentiment"] if sentiment is None else sentiment,
            "intents": before["intents"] if chosen is None else chosen,
        }
        if after == before:
            return before
        own = conn.execute(
            select(post_labels.c.sentiment, post_labels.c.intents).where(
                post_labels.c.post_id == post_id
            )
        ).first()
        values = {
            "sentiment": sentiment if sentiment is not None else (own.sentiment if own else None),
            "intents": chosen if chosen is not None else (own.intents if own else None),
            "labelled_by": user,
            "labelled_at": now,
        }
        if own is None:
            conn.execute(insert(post_labels).values(post_id=post_id, **values))
        else:
            conn.execute(
                update(post_labels).where(post_labels.c.post_id == post_id).values(**values)
            )
        conn.execute(
            insert(label_changes).values(
                post_id=post_id, changed_by=user, changed_at=now, before=before, after=after
            )
        )
    return after


def clear_labels(engine: Engine, post_id: int, user: str, model_version: str) -> Labels:
    """Give the post back to the model (audited); return the labels now shown."""
    with engine.begin() as conn:
        before = _shown(conn, post_id, model_version)
        gone = conn.execute(delete(post_labels).where(post_labels.c.post_id == post_id))
        after = _shown(conn, post_id, model_version)
        if gone.rowcount:
            conn.execute(
                insert(label_changes).values(
                    post_id=post_id,
                    changed_by=user,
                    changed_at=datetime.now(UTC),
                    before=before,
                    after=after,
                )
            )
    return after


def history(conn: Connection, post_id: int) -> list[dict]:
    """A post's corrections, newest first: who, when, before, after."""
    rows = conn.execute(
        select(
            label_changes.c.changed_by,
            label_changes.c.changed_at,
            label_changes.c.before,
            label_changes.c.after,
        )
        .where(label_changes.c.post_id == post_id)
        .order_by(label_changes.c.id.desc())
    )
    return [
        {"by": r.changed_by, "at": as_utc(r.changed_at), "before": r.before, "after": r.after}
        for r in rows
    ]


def labelled_count(conn: Connection) -> int:
    """How many live posts carry an analyst's labels."""
    return int(
        conn.scalar(
            select(func.count())
            .select_from(post_labels.join(posts, posts.c.id == post_labels.c.post_id))
            .where(LIVE_POSTS)
        )
        or 0
    )


def export_labels(engine: Engine, model_version: str) -> Iterator[dict]:
    """Every labelled post as training data: text, language, the labels shown (the analyst's
    where set, else the model's), which of them a person set, who and when."""
    query = (
        select(
            posts.c.id,
            posts.c.source,
            posts.c.native_id,
            posts.c.text,
            enrichments.c.lang,
            enrichments.c.sentiment,
            enrichments.c.intents,
            post_labels.c.sentiment.label("own_sentiment"),
            post_labels.c.intents.label("own_intents"),
            post_labels.c.labelled_by,
            post_labels.c.labelled_at,
        )
        .select_from(
            post_labels.join(posts, posts.c.id == post_labels.c.post_id).outerjoin(
                enrichments,
                and_(
                    enrichments.c.post_id == posts.c.id,
                    enrichments.c.model_version == model_version,
                ),
            )
        )
        .where(LIVE_POSTS)
        .order_by(posts.c.id)
    )
    with engine.connect() as conn:
        for r in conn.execute(query):
            labelled_at = as_utc(r.labelled_at)
            intents = r.own_intents if r.own_intents is not None else r.intents
            yield {
                "id": r.id,
                "source": r.source,
                "native_id": r.native_id,
                "text": r.text,
                "lang": r.lang,
                "sentiment": r.own_sentiment or r.sentiment,
                "intents": list(intents) if isinstance(intents, list) else [],
                "human": [
                    name
                    for name, own in (("sentiment", r.own_sentiment), ("intents", r.own_intents))
                    if own is not None
                ],
                "labelled_by": r.labelled_by,
                "labelled_at": labelled_at.isoformat() if labelled_at else None,
            }
