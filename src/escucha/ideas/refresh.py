"""`refresh_ideas`: put the wish posts not in an idea yet into existing ideas or new ones.

A post, once in an idea, stays there (only a merge moves it), so running this twice adds
nothing the second time.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from escucha.ideas.common import update_spans
from escucha.ideas.grouping import (
    THRESHOLD,
    Cluster,
    Grouper,
    Terms,
    idf_weights,
    post_terms,
    title,
)
from escucha.store.schema import idea_posts, ideas, posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context


def idea_key(lang: str, source: str, native_id: str) -> str:
    """A stable name for an idea: its language and a hash of the post that founded it."""
    digest = hashlib.sha1(f"{source}\0{native_id}".encode()).hexdigest()[:16]
    return f"{lang}-{digest}"


def _new_wishes(workspace: Context, assigned: set[int]) -> pd.DataFrame:
    from escucha.frames import posts_matching
    from escucha.insights.common import normalised

    wishes = normalised(posts_matching(workspace, "intent:wish"))
    wishes = wishes[~wishes["id"].isin(assigned)]
    return wishes.sort_values(["created_at", "id"], na_position="last").reset_index(drop=True)


def refresh_ideas(workspace: Context, threshold: float = THRESHOLD) -> dict:
    """Group new wish posts; return counts: posts added, ideas created, posts left out.

    Posts left out have no content word (e.g. "please DM me"); they are looked at again on
    every refresh.
    """
    from escucha.insights import brand_words

    exclude = brand_words(dataclasses.asdict(b) for b in workspace.config.brands)
    with workspace.engine.connect() as conn:
        held = conn.execute(
            select(idea_posts.c.post_id, idea_posts.c.idea_id, ideas.c.lang, posts.c.text)
            .select_from(
                idea_posts.join(ideas, ideas.c.id == idea_posts.c.idea_id).join(
                    posts, posts.c.id == idea_posts.c.post_id
                )
            )
            .order_by(idea_posts.c.idea_id, idea_posts.c.post_id)
        ).all()
    new = _new_wishes(workspace, {row.post_id for row in held})
    terms: dict[int, Terms] = {row.post_id: post_terms(row.text, exclude) for row in held}
    terms.update(
        (int(i), post_terms(t, exclude)) for i, t in zip(new["id"], new["text"], strict=True)
    )
    by_lang: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in held:
        by_lang[row.lang][row.idea_id].append(row.post_id)
    grown: dict[str, list[Cluster]] = {}
    idfs: dict[str, dict[str, float]] = {}
    left_out = 0
    for lang in sorted(set(new["lang"])):
        fresh = new[new["lang"] == lang]
        existing = by_lang.get(lang, {})
        documents = [terms[p] for members in existing.values() for p in members]
        idfs[lang] = idf_weights([*documents, *(terms[int(i)] for i in fresh["id"])])
        grouper = Grouper(idfs[lang], threshold)
        for idea_id in sorted(existing):
            grouper.seed(idea_id, ((p, terms[p].keys()) for p in existing[idea_id]))
        seeded = {id(c): len(c.members) for c in grouper.clusters}
        for post_id in fresh["id"]:
            if grouper.assign(int(post_id), terms[int(post_id)].keys()) is None:
                left_out += 1
        grown[lang] = [c for c in grouper.clusters if len(c.members) > seeded.get(id(c), 0)]
    return _write(workspace, new, grown, terms, idfs, left_out)


def _write(
    workspace: Context,
    new: pd.DataFrame,
    grown: dict[str, list[Cluster]],
    terms: dict[int, Terms],
    idfs: dict[str, dict[str, float]],
    left_out: int,
) -> dict:
    """Store the grown clusters: new ideas, their new posts, fresh titles and dates."""
    now = datetime.now(UTC)
    origin = {
        int(i): (s, n) for i, s, n in zip(new["id"], new["source"], new["native_id"], strict=True)
    }
    added = created = 0
    touched: set[int] = set()
    with workspace.engine.begin() as conn:
        for lang, clusters in grown.items():
            for cluster in clusters:
                label = title((terms[p] for p in cluster.members), idfs[lang])
                if cluster.idea_id is None:
                    founder = cluster.members[0]
                    cluster.idea_id = conn.execute(
                        insert(ideas).returning(ideas.c.id),
                        {
                            "key": idea_key(lang, *origin[founder]),
                            "title": label,
                            "lang": lang,
                            "status": "open",
                            "created_at": now,
                            "updated_at": now,
                        },
                    ).scalar_one()
                    created += 1
                else:
                    conn.execute(
                        update(ideas).where(ideas.c.id == cluster.idea_id).values(title=label)
                    )
                rows = [
                    {"post_id": p, "idea_id": cluster.idea_id, "grouped_into": cluster.idea_id}
                    for p in cluster.members
                    if p in origin
                ]
                conn.execute(insert(idea_posts), rows)
                added += len(rows)
                touched.add(cluster.idea_id)
        update_spans(conn, touched, now)
    return {"posts_added": added, "ideas_created": created, "posts_left_out": left_out}
