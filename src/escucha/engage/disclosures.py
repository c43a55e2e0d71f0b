"""The disclosure watch: collected posts by people with a material connection to the brand
(community/connections.py) that endorse or promote it without a clear disclosure.

Each post the guard flags `undisclosed_connection` is listed with the guard's reason and a
polite reminder in the post's language (Spanish, else English), which the guard checks as a
post of the brand's own account. The reminder is only a text: sending it is a reply draft like
any other (`escucha reply POST_ID --text ...`), approved by a person.
"""

from __future__ import annotations

from sqlalchemy import Row, and_, select

from escucha.core.context import Context
from escucha.store.schema import authors, brand_mentions, enrichments, posts

_CHUNK = 500

# The disclosure suggested for each connection, from the guard's accepted lists.
_SUGGESTED = {
    "en": {
        "employee": "I work at {brand}",
        "gifted": "{brand} sent me this for free",
        "paid": "#ad",
        "affiliate": "Affiliate link",
    },
    "es": {
        "employee": "Trabajo en {brand}",
        "gifted": "Producto cedido por {brand}",
        "paid": "#publicidad",
        "affiliate": "Enlace de afiliado",
    },
}
_REMINDER = {
    "en": (
        "Hi {author}, thank you for talking about {brand}. Because of your relation with us, "
        'could you please add a clear disclosure such as "{disclosure}" at the start of the '
        "post? It lets your readers know. Thank you!"
    ),
    "es": (
        "Hola {author}, gracias por hablar de {brand}. Por tu relación con nosotros, ¿podrías "
        'añadir al principio de la publicación una indicación clara como "{disclosure}"? Así '
        "quien te lee lo sabe. ¡Gracias!"
    ),
}


def reminder_text(brand: str, connection: str, lang: str | None, author: str) -> str:
    """A polite request to add a disclosure, in Spanish for a Spanish post, else in English."""
    language = "es" if (lang or "").lower().startswith("es") else "en"
    disclosure = _SUGGESTED[language][connection].format(brand=brand)
    who = f"@{author.lstrip('@')}"
    return _REMINDER[language].format(author=who, brand=brand, disclosure=disclosure)


def disclosures_needed(ctx: Context) -> list[dict]:
    """The posts needing a disclosure, newest first, each with the reason and a reminder."""
    from escucha.community.connections import connected_authors
    from escucha.engage.guard import check, load_lists
    from escucha.enrich import current_model_version

    brand = ctx.config.brand.name if ctx.config.brand else None
    connected = connected_authors(ctx)
    if not brand or not connected:
        return []
    settings, lists = ctx.config.guard, load_lists(ctx.path)
    version = current_model_version(ctx)
    mentioned = select(brand_mentions.c.post_id).where(brand_mentions.c.brand == brand)
    ids = sorted(connected)
    rows: list[Row] = []
    with ctx.engine.connect() as conn:
        for start in range(0, len(ids), _CHUNK):
            query = (
                select(
                    posts.c.id,
                    posts.c.source,
                    posts.c.native_id,
                    posts.c.url,
                    posts.c.text,
                    posts.c.created_at,
                    posts.c.author_id,
                    authors.c.handle,
                    enrichments.c.lang,
                    posts.c.lang_hint,
                )
                .select_from(
                    posts.join(authors, authors.c.id == posts.c.author_id).outerjoin(
                        enrichments,
                        and_(
                            enrichments.c.post_id == posts.c.id,
                            enrichments.c.model_version == version,
                        ),
                    )
                )
                .where(
                    posts.c.author_id.in_(ids[start : start + _CHUNK]), posts.c.id.in_(mentioned)
                )
            )
            rows.extend(conn.execute(query).all())
    found = []
    for row in rows:
        link = connected[row.author_id]
        lang = row.lang if row.lang and row.lang != "unknown" else row.lang_hint
        verdict = check(row.text, brand=brand, connection=link.connection, lang=lang,
                        settings=settings, lists=lists)  # fmt: skip
        flag = next((f for f in verdict.flags if f.name == "undisclosed_connection"), None)
        if flag is None:
            continue
        reminder = reminder_text(brand, link.connection, lang, row.handle)
        checked = check(reminder, brand=brand, connection="brand_account", lang=lang,
                        settings=settings, lists=lists)  # fmt: skip
        found.append(
            {
                "post_id": row.id,
                "source": row.source,
                "native_id": row.native_id,
                "url": row.url,
                "author": row.handle,
                "contact_id": link.contact_id,
                "connection": link.connection,
                "lang": lang,
                "created_at": row.created_at,
                "text": row.text,
                "reason": flag.reason,
                "triggers": list(flag.triggers),
                "reminder": {
                    "text": reminder,
                    "verdict": checked.verdict,
                    "flags": checked.flag_names,
                    "reasons": checked.reasons,
                },
            }
        )
    found.sort(
        key=lambda d: (d["created_at"] is not None, d["created_at"], d["post_id"]), reverse=True
    )
    return found
