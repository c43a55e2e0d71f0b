"""`refresh_ideas`: put the wish posts not in an idea yet into existing ideas or new ones.

A post, once in an idea, stays there (only a merge moves it), so running this twice adds
nothing the second time. Posts are grouped by the request they make (ideas.requests): only a
product request founds an idea and names it; a wish without a stated request may join an
idea but founds none; a service request ("please DM me") is left to the inbox.
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
    request_title,
    title,
)
from escucha.ideas.requests import Request, find_request
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
    """Group new wish posts; return counts: posts added, ideas created, posts left out and,
    of those, service requests.

    Posts left out are service requests, posts without content words and wishes without a
    request that match no idea; they are looked at again on every refresh.
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
    requests: dict[int, Request | None] = {
        row.post_id: find_request(row.text, row.lang) for row in held
    }
    requests.update(
        (int(i), find_request(t, lang))
        for i, t, lang in zip(new["id"], new["text"], new["lang"], strict=True)
    )
    texts = {row.post_id: row.text for row in held}
    texts.update((int(i), t) for i, t in zip(new["id"], new["text"], strict=True))
    terms: dict[int, Terms] = {
        post_id: post_terms(request.text if request else texts[post_id], exclude)
        for post_id, request in requests.items()
    }
    by_lang: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in held:
        by_lang[row.lang][row.idea_id].append(row.post_id)
    grown: dict[str, list[Cluster]] = {}
    idfs: dict[str, dict[str, float]] = {}
    left_out = service = 0
    for lang in sorted(set(new["lang"])):
        fresh = new[new["lang"] == lang]
        existing = by_lang.get(lang, {})
        documents = [terms[p] for members in existing.values() for p in members]
        idfs[lang] = idf_weights([*documents, *(terms[int(i)] for i in fresh["id"])])
        grouper = Grouper(idfs[lang], threshold)
        for idea_id in sorted(existing):
            grouper.seed(idea_id, ((p, terms[p].keys()) for p in existing[idea_id]))
        seeded = {id(c): len(c.members) for c in grouper.clusters}
        for post_id in map(int, fresh["id"]):
            request = requests[post_id]
            if request is not None and request.kind == "service":
                service += 1
            elif grouper.assign(post_id, terms[post_id].keys(), found=request is not None):
                continue
            left_out += 1
        grown[lang] = [c for c in grouper.clusters if len(c.members) > seeded.get(id(c), 0)]
    counts = _write(workspace, new, grown, terms, requests, idfs)
    return {**counts, "posts_left_out": left_out, "service_requests": service}


def _write(
    workspace: Context,
    new: pd.DataFrame,
    grown: dict[str, list[Cluster]],
    terms: dict[int, Terms],
    requests: dict[int, Request | None],
    idfs: dict[str, dict[str, float]],
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
                asked = [r.text for p in cluster.members if (r := requests[p]) is not None]
                label = (
                    request_title(asked, idfs[lang])
                    if asked
                    else title((terms[p] for p in cluster.members), idfs[lang])
                )
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
    return {"posts_added": added, "ideas_created": created}
