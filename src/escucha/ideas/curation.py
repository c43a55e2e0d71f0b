"""Curating the backlog: statuses, merging duplicates into an idea and undoing it.

A merge moves the duplicate's posts (and so its askers) into the target; each post keeps the
idea the grouping chose (`grouped_into`), which is what lets `unmerge` send them back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from escucha.errors import UserError
from escucha.i18n import Message
from escucha.ideas.common import STATUSES, idea_row, update_spans
from escucha.store.schema import idea_posts, ideas

if TYPE_CHECKING:
    from escucha.core.context import Context


def set_status(workspace: Context, idea_id: int, status: str) -> dict:
    """Set an idea's status (open, planned, started, completed or declined)."""
    status = status.strip().lower()
    if status == "duplicate":
        raise UserError(Message("idea_merge_to_mark"))
    if status not in STATUSES:
        allowed = ", ".join(s for s in STATUSES if s != "duplicate")
        raise UserError(Message("idea_unknown_status", {"status": status, "allowed": allowed}))
    with workspace.engine.begin() as conn:
        idea = idea_row(conn, idea_id)
        if idea["status"] == "duplicate":
            raise UserError(
                Message("idea_is_duplicate", {"id": idea_id, "into": idea["merged_into"]})
            )
        conn.execute(
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(status=status, updated_at=datetime.now(UTC))
        )
        return idea_row(conn, idea_id)


def _relink(conn: Connection) -> set[int]:
    """Put every post in the idea its grouping idea resolves to; return the ideas touched."""
    parent = dict(conn.execute(select(ideas.c.id, ideas.c.merged_into)).all())

    def target(idea_id: int) -> int:
        seen = {idea_id}
        while parent.get(idea_id) is not None:
            idea_id = parent[idea_id]
            if idea_id in seen:  # merge refuses cycles; never loop on a corrupt store
                break
            seen.add(idea_id)
        return idea_id

    touched: set[int] = set()
    misplaced = conn.execute(
        select(idea_posts.c.grouped_into, idea_posts.c.idea_id).distinct()
    ).all()
    for grouped, current in misplaced:
        wanted = target(grouped)
        if wanted != current:
            conn.execute(
                update(idea_posts)
                .where(idea_posts.c.grouped_into == grouped, idea_posts.c.idea_id == current)
                .values(idea_id=wanted)
            )
            touched |= {wanted, current}
    return touched


def merge(workspace: Context, idea_id: int, into_id: int) -> dict:
    """Mark `idea_id` a duplicate of `into_id` and move its posts there; return the target."""
    if idea_id == into_id:
        raise UserError(Message("idea_into_itself"))
    now = datetime.now(UTC)
    with workspace.engine.begin() as conn:
        idea = idea_row(conn, idea_id)
        into = idea_row(conn, into_id)
        if idea["status"] == "duplicate":
            raise UserError(
                Message("idea_already_merged", {"id": idea_id, "into": idea["merged_into"]})
            )
        if into["status"] == "duplicate":
            raise UserError(
                Message("idea_into_duplicate", {"id": into_id, "into": into["merged_into"]})
            )
        conn.execute(
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(
                status="duplicate",
                status_before_merge=idea["status"],
                merged_into=into_id,
                updated_at=now,
            )
        )
        update_spans(conn, _relink(conn) | {idea_id, into_id}, now)
        return idea_row(conn, into_id)


def unmerge(workspace: Context, idea_id: int) -> dict:
    """Undo a merge: the idea gets its posts and its status back; return it."""
    now = datetime.now(UTC)
    with workspace.engine.begin() as conn:
        idea = idea_row(conn, idea_id)
        if idea["status"] != "duplicate":
            raise UserError(Message("idea_not_merged", {"id": idea_id}))
        conn.execute(
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(
                status=idea["status_before_merge"] or "open",
                status_before_merge=None,
                merged_into=None,
                updated_at=now,
            )
        )
        update_spans(conn, _relink(conn) | {idea_id, idea["merged_into"]}, now)
        return idea_row(conn, idea_id)
