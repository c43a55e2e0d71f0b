"""What the backlog's modules share: statuses, UTC times, reading an idea, updating its dates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select, update

from escucha.core.timeutil import as_utc
from escucha.errors import NotFound
from escucha.i18n import Message
from escucha.store.schema import idea_posts, ideas, posts

# started: being built; testing: in a product test with the community (escucha.panels);
# completed: shipped.
STATUSES = ("open", "planned", "started", "testing", "completed", "declined", "duplicate")


def idea_row(conn: Connection, idea_id: int) -> dict:
    """The idea's row as a dict, or NotFound naming the id."""
    row = conn.execute(select(ideas).where(ideas.c.id == idea_id)).first()
    if row is None:
        raise NotFound(Message("idea_missing", {"id": idea_id}))
    found = dict(row._mapping)
    for column in ("first_seen", "last_seen", "created_at", "updated_at"):
        found[column] = as_utc(found[column])
    return found


def update_spans(conn: Connection, idea_ids: set[int], now: datetime) -> None:
    """Set first_seen and last_seen of these ideas from the posts they hold now."""
    for idea_id in sorted(idea_ids):
        first, last = conn.execute(
            select(func.min(posts.c.created_at), func.max(posts.c.created_at))
            .select_from(idea_posts.join(posts, posts.c.id == idea_posts.c.post_id))
            .where(idea_posts.c.idea_id == idea_id)
        ).one()
        conn.execute(
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(first_seen=first, last_seen=last, updated_at=now)
        )
