"""A hand-made es + en corpus of wishes whose right grouping is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2017, 11, 1, 9, tzinfo=UTC)

# idea name -> (language, posts as (author, text))
IDEAS = {
    "legroom": (
        "en",
        [
            ("ana", "@Iberia please give us more legroom in economy seats"),
            ("ben", "I wish the seats had more legroom, my knees hurt"),
            ("cal", "More legroom in economy please! 6 hours with no legroom is torture"),
        ],
    ),
    "wifi": (
        "en",
        [
            ("dan", "You should offer free wifi on board @united"),
            ("eve", "Free wifi on long flights would be great"),
            ("fay", "Wish the wifi on board was free like on other airlines"),
        ],
    ),
    "boarding pass": (
        "en",
        [
            ("gus", "Please let me save my boarding pass in the app"),
            ("hal", "The app should keep the boarding pass offline, no signal at the gate"),
        ],
    ),
    "enchufes": (
        "es",
        [
            ("ines", "Ojalá pusierais enchufes en los asientos para cargar el móvil"),
            ("juan", "Deberían poner enchufes en todos los asientos @Iberia"),
            ("kika", "Me gustaría tener enchufes en el asiento, el móvil se queda sin batería"),
        ],
    ),
    "vegetariana": (
        "es",
        [
            ("luis", "Deberían ofrecer comida vegetariana a bordo"),
            ("marta", "Ojalá hubiera comida vegetariana en los vuelos largos"),
        ],
    ),
}


def corpus_rows() -> list[dict]:
    """The posts in a fixed interleaved order, one hour apart, all flagged wish."""
    rows = []
    queues = {name: list(posts) for name, (_, posts) in IDEAS.items()}
    step = 0
    while any(queues.values()):
        for name, queue in queues.items():
            if queue:
                author, text = queue.pop(0)
                rows.append(
                    {
                        "native_id": f"{name}-{author}",
                        "text": text,
                        "author": author,
                        "lang": IDEAS[name][0],
                        "intents": ["wish"],
                        "created_at": START + timedelta(hours=step),
                    }
                )
                step += 1
    return rows


def expected_groups() -> set[frozenset[str]]:
    return {frozenset(f"{n}-{a}" for a, _ in posts) for n, (_, posts) in IDEAS.items()}
