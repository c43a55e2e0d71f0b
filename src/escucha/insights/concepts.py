"""A small bilingual map of the concerns customers of a service name most often, by seed words.

Each concept has a label per language (the noun phrase a person would write) and a few seed
words or two-word phrases per language. A post whose terms hit a concept's seeds belongs to
that concept's theme; a post hitting several goes to the one with most distinct hits, ties
to the concept listed first (a cancelled flight with a long phone wait is about the
cancellation). Posts hitting none are grouped from the data alone, so concerns that are not
on this list still form themes. Seeds are matched on word keys (`lemmas.stem`), so
"cancelado", "cancelados", "cancelación" and "cancelan" are one seed.

The same concept has the same `key` in every language: the Spanish and the English theme
about lost luggage can be put side by side. The list is written for travel and transport
(the demo's market); `find_themes(..., concepts=False)` switches it off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from escucha.insights.lemmas import stem
from escucha.insights.stopwords import ALL as STOPWORDS
from escucha.insights.terms import fold


@dataclass(frozen=True)
class Concept:
    key: str
    labels: dict[str, str]  # lang -> label
    seeds: dict[str, tuple[str, ...]]  # lang -> words or two-word phrases, as written


def _seeds(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "cancelled_flight",
        {"en": "flight cancellations", "es": "vuelos cancelados"},
        {
            "en": _seeds("cancel, cancelled, canceled, cancellation, cancelling, cancels"),
            "es": _seeds(
                "cancelar, cancelado, cancelación, cancelan, cancela, canceló, anulado, "
                "anulación, anulan, suprimido"
            ),
        },
    ),
    Concept(
        "late_flight",
        {"en": "flight delays", "es": "retrasos de vuelos"},
        {
            "en": _seeds(
                "delay, delayed, delays, late, later, tarmac, departure, "
                "taxi, runway, deicing, stuck"
            ),
            "es": _seeds(
                "retraso, retrasado, retrasan, retrasa, demora, demorado, atrasado, "
                "puntualidad, pista, despegar, despegue"
            ),
        },
    ),
    Concept(
        "luggage",
        {"en": "luggage and bags", "es": "maletas y equipaje"},
        {
            "en": _seeds(
                "bag, bags, baggage, luggage, suitcase, carry on, stroller, belongings, carousel"
            ),
            "es": _seeds(
                "maleta, equipaje, maletas, valija, bulto, facturar, facturación, "
                "bodega, cinta, extraviado"
            ),
        },
    ),
    Concept(
        "customer_service",
        {"en": "customer service", "es": "atención al cliente"},
        {
            "en": _seeds(
                "customer service, hold, phone, call, calling, answer, response, "
                "respond, reply, rep, representative, email, hung, hang, "
                "agent, staff, rude, help, helpful, unhelpful"
            ),
            "es": _seeds(
                "atención al cliente, servicio al cliente, teléfono, llamar, llamada, "
                "respuesta, responder, contestar, contesta, reclamación, queja, "
                "quejas, mail, correo, operador, personal, trato, cliente, agente, "
                "grosero, maleducado"
            ),
        },
    ),
    Concept(
        "booking_refund",
        {"en": "bookings and refunds", "es": "reservas y reembolsos"},
        {
            "en": _seeds(
                "refund, booking, book, booked, reservation, ticket, website, "
                "online, app, fee, fees, charge, charged, miles, points, voucher, "
                "credit, upgrade, overbooked, check in, price, money, rewards"
            ),
            "es": _seeds(
                "reembolso, devolución, devolver, reserva, reservar, billete, "
                "billetes, web, página, app, factura, cobrar, cobran, cobro, tarifa, "
                "precio, puntos, avios, compensación, indemnización, dinero, "
                "overbooking, tarjeta de embarque, check in, pagar, pago"
            ),
        },
    ),
    Concept(
        "onboard",
        {"en": "seats and comfort on board", "es": "asientos y comodidad a bordo"},
        {
            "en": _seeds(
                "seat, seats, legroom, wifi, food, meal, drink, snack, "
                "entertainment, tv, comfortable, uncomfortable, dirty, "
                "bathroom, cabin, catering"
            ),
            "es": _seeds(
                "asiento, asientos, comida, menú, bebida, wifi, sucio, incómodo, "
                "incómodos, espacio, piernas, baño, cabina, dieta, enchufes"
            ),
        },
    ),
    Concept(
        "flight_attendant",
        {"en": "cabin crew", "es": "tripulación de cabina"},
        {
            "en": _seeds(
                "flight attendant, attendant, attendants, stewardess, crew, pilot, captain"
            ),
            "es": _seeds(
                "azafata, azafatas, tripulación, tripulante, tripulantes, auxiliar, "
                "sobrecargo, piloto, comandante"
            ),
        },
    ),
    Concept(
        "strike",
        {"en": "strikes", "es": "huelgas"},
        {
            "en": _seeds("strike, strikes, union, walkout"),
            "es": _seeds("huelga, huelgas, paro, paros, sindicato, sindicatos, convocan"),
        },
    ),
)

BY_KEY = {c.key: c for c in CONCEPTS}


def label(key: str, lang: str) -> str:
    """The concept's label in `lang` (English when the map has none for it)."""
    labels = BY_KEY[key].labels
    return labels.get(lang, labels["en"])


@cache
def seed_keys(lang: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Per concept, its seeds as term keys of `lang` ("cancelado" -> "cancel")."""
    found = []
    for concept in CONCEPTS:
        keys = frozenset(
            " ".join(stem(w, lang) for w in fold(seed).split() if w not in STOPWORDS)
            for seed in _in(concept, lang)
        )
        found.append((concept.key, keys))
    return tuple(found)


def _in(concept: Concept, lang: str) -> tuple[str, ...]:
    return concept.seeds.get(lang, ())


def concept_of(terms: Iterable[str], lang: str) -> str | None:
    """The concept a post with these term keys is about, or None."""
    present = set(terms)
    best: tuple[int, str] | None = None
    for key, seeds in seed_keys(lang):
        hits = len(seeds & present)
        if hits and (best is None or hits > best[0]):
            best = (hits, key)
    return best[1] if best else None
