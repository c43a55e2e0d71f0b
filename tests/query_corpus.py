"""A hand-made corpus of Spanish and English posts, stored on each database for the query tests
(tests/query/conftest.py stores it; the tests import the corpus from here, a module of its own
name, never from a conftest).

Each post has a short key; the tests name expected results by key. The enrichment is by
MODEL unless the post has none (`lang` then comes from the source's hint) or one by OLD only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from escucha.store.schema import brand_mentions, enrichments, metadata, posts

MODEL = "test-model-1"
OLD = "test-model-0"
INTENT_NAMES = ("wish", "complaint", "question", "praise", "promo")


@dataclass(frozen=True)
class Post:
    key: str
    text: str
    author: str | None = None
    source: str = "twitter"
    created: datetime | None = None
    lang_hint: str | None = None
    lang: str | None = None  # by MODEL; None: not enriched by MODEL
    sentiment: str = "neutral"
    intents: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    old_model: bool = False  # enriched by OLD only (negative, complaint)


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


CORPUS = (
    Post(
        "es1",
        "¡Otra vez retraso en el vuelo de @Iberia! Ni una explicación, ni un avión de "
        "reemplazo. #Iberia",
        "maria_g",
        created=at(2017, 11, 3),
        lang="es",
        sentiment="negative",
        intents=("complaint",),
        brands=("Iberia",),
    ),
    Post(
        "es2",
        "Mi maleta no ha llegado a Bogotá. ¿Dónde está mi equipaje, Iberia?",
        "juanp",
        created=at(2017, 11, 5),
        lang="es",
        sentiment="negative",
        intents=("complaint", "question"),
        brands=("Iberia",),
    ),
    Post(
        "es3",
        "Vuelo cancelado y ni siquiera ofrecen reembolso. Cancelación sin aviso de Vueling",
        "pedro",
        created=at(2017, 11, 12),
        lang="es",
        sentiment="negative",
        intents=("complaint",),
        brands=("Vueling",),
    ),
    Post(
        "es4",
        "AVIÓN nuevo de Air Europa, qué maravilla de servicio 👏 https://t.co/abc123",
        "lucia",
        created=at(2017, 11, 20),
        lang="es",
        sentiment="positive",
        intents=("praise",),
        brands=("Air Europa",),
    ),
    Post(
        "es5",
        "Ojalá Iberia vuelva a volar a Cancún el año que viene",
        "maria_g",
        created=at(2017, 11, 28),
        lang="es",
        sentiment="positive",
        intents=("wish",),
        brands=("Iberia",),
    ),
    Post(
        "es6",
        "Promoción: vuelos a ESPAÑA desde 29€ con Ryanair HTTP://ryanair.com/oferta",
        "ryan_ofertas",
        created=at(2017, 12, 2),
        lang="es",
        intents=("promo",),
        brands=("Ryanair",),
    ),
    Post(
        "es7",
        "El retraso del vuelo fue de tres horas, pero la compensación llegó rápido",
        "ana",
        created=at(2017, 12, 15),
        lang="es",
        sentiment="positive",
    ),
    Post(
        "es8",
        "Pingüino de peluche perdido en la terminal, ¿alguien lo vio?",
        "nino",
        lang_hint="es",
    ),
    Post(
        "es9",
        "Les agradezco la atención, el personal de cabina fue muy amable",
        "Carlos_R",
        created=at(2018, 1, 10),
        lang="es",
        sentiment="positive",
        intents=("praise",),
    ),
    Post(
        "es10",
        "CANCELARON mi vuelo otra vez... #nuncamás @vueling",
        "pedro",
        created=at(2017, 11, 30, 23, 30),
        lang="es",
        sentiment="negative",
        intents=("complaint",),
        brands=("Vueling",),
    ),
    Post(
        "es11",
        "Garçon, la crème brûlée del salón VIP estaba buenísima",
        "lucia",
        source="csv",
        created=at(2017, 12, 1, 0, 0),
        lang="es",
        sentiment="positive",
        intents=("praise",),
    ),
    Post(
        "es12",
        "Sin noticias de mi maleta desde el martes, qué desastre",
        "juanp",
        created=at(2017, 11, 1, 0, 0),
        lang="es",
        sentiment="negative",
        intents=("complaint",),
    ),
    Post(
        "en1",
        "@united lost luggage again. Third time this year!",
        "jnardino",
        created=at(2015, 2, 24),
        lang="en",
        sentiment="negative",
        intents=("complaint",),
        brands=("United Airlines",),
    ),
    Post(
        "en2",
        "My luggage was lost and nobody at @united helped",
        "kate",
        created=at(2015, 2, 25),
        lang="en",
        sentiment="negative",
        intents=("complaint",),
        brands=("United Airlines",),
    ),
    Post(
        "en3",
        "Flight delayed, refund please",
        "kate",
        source="csv",
        created=at(2015, 2, 26),
        lang="en",
        sentiment="negative",
        intents=("wish",),
    ),
    Post(
        "en4",
        "Refund requested after the delay",
        "tom",
        created=at(2015, 2, 27),
        lang="en",
    ),
    Post(
        "en5",
        "Cancelled my trip, the bag fee was too much",
        "tom",
        created=at(2015, 3, 1),
        lang="en",
        sentiment="negative",
        intents=("complaint",),
    ),
    Post(
        "en6",
        "Baggage claim took forever at JFK",
        "Jnardino",
        created=at(2015, 3, 2),
        lang="en",
        sentiment="negative",
        intents=("complaint",),
    ),
    Post(
        "en7",
        "Great crew on @VirginAmerica, thanks! http://virg.in/x",
        "sam",
        created=at(2015, 3, 3),
        lang="en",
        sentiment="positive",
        intents=("praise",),
        brands=("Virgin America",),
    ),
    Post(
        "en8",
        "Is there wifi on the flight to Boston? Asking for a friend",
        "jnardino",
        source="csv",
        created=at(2015, 3, 4),
        lang="en",
        intents=("question",),
    ),
    Post(
        "en9",
        "Avion means plane in French; I said avion twice",
        "sam",
        created=at(2015, 3, 5),
        lang="en",
    ),
    Post(
        "en10",
        "Bag-drop closed. E-mail sent to @Delta about the cancellation",
        "ana",
        source="csv",
        created=at(2015, 3, 6),
        lang="en",
        sentiment="negative",
        intents=("complaint",),
        brands=("Delta",),
    ),
    Post("en11", "The lounge in Madrid is closed", "tom", lang_hint="en-US"),
    Post(
        "en12",
        "Terrible service, never again",
        "sam",
        created=at(2015, 3, 8),
        old_model=True,
    ),
)
KEYS = tuple(p.key for p in CORPUS)


def as_dict(post: Post) -> dict:
    """The post as `Query.matches` sees it: what the store knows under MODEL."""
    enriched = post.lang is not None
    return {
        "text": post.text,
        "author": post.author,
        "lang": post.lang if enriched else post.lang_hint,
        "source": post.source,
        "brands": list(post.brands),
        "sentiment": post.sentiment if enriched else None,
        "intents": list(post.intents) if enriched else [],
        "created_at": post.created,
        "url": f"https://example.org/{post.key}",
    }


def in_memory(query, corpus=CORPUS) -> set[str]:
    return {p.key for p in corpus if query.matches(as_dict(p))}


def _enrichment(post_id: int, version: str, lang: str, sentiment: str, intents) -> dict:
    row = {
        "post_id": post_id,
        "model_version": version,
        "lang": lang,
        "sentiment": sentiment,
        "enriched_at": at(2024, 1, 1),
        "intents": list(intents),
    }
    for name in ("negative", "neutral", "positive"):
        row[name] = 0.8 if name == sentiment else 0.1
    for name in INTENT_NAMES:
        row[name] = 0.9 if name in intents else 0.05
    return row


def load(engine: Engine, corpus=CORPUS) -> dict[int, str]:
    """Insert the corpus; post id -> key."""
    metadata.create_all(engine)
    keys = {}
    with engine.begin() as conn:
        for i, p in enumerate(corpus, start=1):
            keys[i] = p.key
            conn.execute(
                insert(posts).values(
                    id=i,
                    source=p.source,
                    native_id=p.key,
                    author_handle=p.author,
                    text=p.text,
                    lang_hint=p.lang_hint,
                    created_at=p.created,
                    fetched_at=at(2024, 1, 1),
                    url=f"https://example.org/{p.key}",
                )
            )
            if p.lang:
                conn.execute(
                    insert(enrichments).values(
                        _enrichment(i, MODEL, p.lang, p.sentiment, p.intents)
                    )
                )
            if p.old_model or p.lang:  # an older model's reading must never count
                row = _enrichment(i, OLD, "en", "negative", ("complaint",))
                conn.execute(insert(enrichments).values(row))
            for brand in p.brands:
                conn.execute(insert(brand_mentions).values(post_id=i, brand=brand, matcher="t"))
    return keys
