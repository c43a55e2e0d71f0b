"""Languages for posts too short to tell: the evidence around a post settles what its own
words cannot.

Language ID says "unknown" for a text with too few letter words ("@Iberia 👍", "Gracias!!").
Such a post is given a workspace language, in this order, when:

1. it replies to a post whose language is known (same source): the thread's language;
2. its author wrote at least `AUTHOR_MIN` posts of known language, `AUTHOR_SHARE` of them in
   one language: the author's usual language;
3. its source holds at least `SOURCE_MIN` posts of known language, `SOURCE_SHARE` of them in
   one language: the source's language (a Spanish airline file, a Spanish forum).

Otherwise it stays unknown, and the faces show it once as "too short to tell", outside every
comparison between languages. Settled posts are read again with their language's model, so
their sentiment is that language's too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import aliased

from escucha.core.labels import INTENTS, SENTIMENTS, UNKNOWN_LANG
from escucha.store import generation
from escucha.store.schema import enrichments, posts

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.engine import Connection

    from escucha.understand import PostReader

AUTHOR_MIN, AUTHOR_SHARE = 3, 0.75
SOURCE_MIN, SOURCE_SHARE = 20, 0.9


def _usual(counts: Counter[str], minimum: int, share: float) -> str | None:
    total = sum(counts.values())
    if total < minimum:
        return None
    lang, n = counts.most_common(1)[0]
    return lang if n >= share * total else None


def _known_counts(conn: Connection, version: str, key: Column[Any]) -> dict[object, Counter[str]]:
    rows = conn.execute(
        select(key, enrichments.c.lang, func.count())
        .select_from(posts.join(enrichments, enrichments.c.post_id == posts.c.id))
        .where(enrichments.c.model_version == version, enrichments.c.lang != UNKNOWN_LANG)
        .where(key.isnot(None))
        .group_by(key, enrichments.c.lang)
    ).all()
    found: dict[object, Counter[str]] = defaultdict(Counter)
    for value, lang, n in rows:
        found[value][lang] = int(n)
    return found


def settle_unknown_languages(conn: Connection, reader: PostReader) -> int:
    """Give posts of unknown language the language their thread, author or source shows,
    and read them again with it; return how many were settled."""
    version = reader.version
    unknown = conn.execute(
        select(posts.c.id, posts.c.text, posts.c.source, posts.c.parent_id, posts.c.author_id)
        .select_from(posts.join(enrichments, enrichments.c.post_id == posts.c.id))
        .where(enrichments.c.model_version == version, enrichments.c.lang == UNKNOWN_LANG)
    ).all()
    if not unknown:
        return 0
    parent, parent_reading = aliased(posts), aliased(enrichments)
    replied = and_(parent.c.source == posts.c.source, parent.c.native_id == posts.c.parent_id)
    thread = dict(
        conn.execute(
            select(posts.c.id, parent_reading.c.lang)
            .select_from(
                posts.join(parent, replied).join(
                    parent_reading, parent_reading.c.post_id == parent.c.id
                )
            )
            .where(
                posts.c.id.in_([row.id for row in unknown if row.parent_id]),
                parent_reading.c.model_version == version,
                parent_reading.c.lang != UNKNOWN_LANG,
            )
        ).all()
    )
    authors = _known_counts(conn, version, posts.c.author_id)
    sources = _known_counts(conn, version, posts.c.source)
    settled: list[tuple[int, str, str]] = []
    for row in unknown:
        lang = (
            thread.get(row.id)
            or (_usual(authors[row.author_id], AUTHOR_MIN, AUTHOR_SHARE) if row.author_id else None)
            or _usual(sources[row.source], SOURCE_MIN, SOURCE_SHARE)
        )
        if lang in reader.languages:
            settled.append((row.id, row.text, lang))
    if not settled:
        return 0
    readings = reader.read([text for _, text, _ in settled], [lang for _, _, lang in settled])
    values = ("lang", "sentiment", *SENTIMENTS, *INTENTS, "intents")
    conn.execute(
        update(enrichments)
        .where(
            enrichments.c.post_id == bindparam("b_post_id"),
            enrichments.c.model_version == version,
        )
        .values({name: bindparam(f"b_{name}") for name in values}),
        [
            {
                "b_post_id": post_id,
                "b_lang": reading.lang,
                "b_sentiment": reading.sentiment,
                **{f"b_{k}": v for k, v in reading.sentiment_scores.items()},
                **{f"b_{k}": v for k, v in reading.intents.items()},
                "b_intents": list(reading.intent_labels),
            }
            for (post_id, _, _), reading in zip(settled, readings, strict=True)
        ],
    )
    generation.bump(conn)  # readings changed in place move no maximum (reads.versions)
    return len(settled)
