"""Transparent bilingual (es/en) pattern rules for intents (patterns see lowercased text).

Each rule is a regular expression with the probability that a text matching it has the
intent. A batch is scanned as one newline-joined string, so each pattern runs once per batch.
The English-trained models cover the long tail in English; in Spanish these rules (plus
sentiment, for complaint and praise) are most of the signal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from escucha.understand.features import URL_PATTERN

# (intent, probability, pattern); patterns run on lowercased text
RULES: tuple[tuple[str, float, str], ...] = (
    # wish / suggestion / feature request
    ("wish", 0.9, r"(?:ojal[aá]|i wish|we wish|wish (?:you|they|there|it|i could))"),
    (
        "wish",
        0.85,
        r"(?:please (?:add|allow|make|let|consider|bring|support|include|fix)"
        r"|por favor,? (?:a[nñ]adan|pongan|hagan|permitan|incluyan|agreguen))",
    ),
    (
        "wish",
        0.8,
        r"(?:estar[ií]a (?:bien|genial|guay)|ser[ií]a (?:genial|ideal|bueno|"
        r"estupendo|mejor|bueno que|interesante|[uú]til)|it would be (?:great|nice|"
        r"cool|awesome|useful|helpful|better)|would be (?:great|nice|awesome) if"
        r"|would love (?:to see|it if|if)|i'?d love (?:to see|if|it if))",
    ),
    (
        "wish",
        0.75,
        r"(?:me gustar[ií]a|nos gustar[ií]a|i would like (?:to see|you to|if)"
        r"|i'?d like (?:to see|you to)|feature request|suggestion:|sugerencia"
        r"|propongo|sugiero|i suggest|i propose|i recommend that|why not add"
        r"|por qu[eé] no (?:ponen|a[nñ]aden|hacen)|add an option|add (?:a|the) "
        r"(?:feature|option|button|setting))",
    ),
    (
        "wish",
        0.6,
        r"(?:deber[ií]an|deber[ií]ais|tendr[ií]an que|should (?:add|have|make|"
        r"allow|be able|consider|provide|offer|include|support|let|bring)"
        r"|you guys should|needs? to (?:add|have|be able)|hace falta"
        r"|falta(?:r[ií]a)? (?:un|una)|necesitamos (?:un|una|m[aá]s))",
    ),
    # complaint / concern
    (
        "complaint",
        0.85,
        r"(?:reclamaci[oó]n|me quejo|queja formal|poner una queja|"
        r"hoja de reclamaciones|vergonzoso|verg[uü]enza|estafa|estafadores"
        r"|ladrones|p[eé]simo|p[eé]sima|nefast[oa]|lamentable|indignante"
        r"|worst (?:airline|service|customer|experience|company)"
        r"|unacceptable|ridiculous|disgusted|rip ?off|scam"
        r"|never (?:again|flying|fly)|nunca m[aá]s|not happy"
        r"|very disappointed)",
    ),
    (
        "complaint",
        0.75,
        r"(?:(?:han|habeis|hab[eé]is) perdido|perdieron mi|me han cancelado"
        r"|cancelaron|retraso de|horas de retraso|hours? (?:late|delay)"
        r"|delayed (?:again|for)|lost (?:my|our) (?:bag|luggage|suitcase)"
        r"|still waiting|todav[ií]a (?:no|estoy esperando)|sigo esperando"
        r"|no (?:funciona|me devuelven|contestan|responden)|doesn'?t work"
        r"|not working|on hold for|been on hold|no one (?:answers|helps)"
        r"|nobody (?:answers|helps)|refund|reembolso|devoluci[oó]n"
        r"|overbooking|sin respuesta|no answer|terrible service)",
    ),
    # question
    ("question", 0.9, r"[¿]"),
    ("question", 0.85, r"\?"),
    (
        "question",
        0.7,
        r"(?:^|[\n.!] *)(?:@\w+ +)*(?:how|what|why|when|where|who|which|can you"
        r"|could you|is there|are there|do you|does|did|will you|would you|is it"
        r"|c[oó]mo|qu[eé]|por qu[eé]|cu[aá]ndo|d[oó]nde|qui[eé]n|cu[aá]l|cu[aá]nto"
        r"|alguien sabe|pueden|podr[ií]an|puedo|hay alguna)\b",
    ),
    # praise
    (
        "praise",
        0.85,
        r"(?:gracias|muchas gracias|thank you|thanks|thx|kudos|bravo"
        r"|enhorabuena|felicidades|felicitaciones|great job|well done"
        r"|amazing (?:service|crew|staff|job)|excelente (?:servicio|atenci[oó]n)"
        r"|buen servicio|great service|love (?:you|your|this|flying)"
        r"|me encanta|os quiero|los amo|you rock|best airline|la mejor)",
    ),
    # promotional / spam / self-promotion
    (
        "promo",
        0.9,
        r"(?:check out my|subscribe to my|check my channel|visit my|follow me"
        r"|s[ií]gueme|suscr[ií]bete|suscribete a mi|mi canal|my channel"
        r"|promo code|c[oó]digo (?:de )?descuento|discount code|use code"
        r"|click (?:here|the link)|haz clic|enlace en (?:mi )?bio|link in bio"
        r"|make money|earn money|gana dinero|free (?:gift|iphone|followers)"
        r"|seguidores gratis)",
    ),
    (
        "promo",
        0.7,
        r"(?:sorteo|giveaway|oferta(?:s)? (?:de|en|para)|descuento del|\d+ ?% "
        r"(?:de descuento|off|dto)|ofertas? exclusiva|compra ya|buy now|shop now"
        r"|reserva ya|book now|limited (?:time|offer)|plazas limitadas"
        r"|inscr[ií]bete|no te lo pierdas|don'?t miss|#?empleo|we'?re hiring"
        r"|estamos contratando)",
    ),
)

# Patterns carry no leading look-behind so that the regex engine can skip ahead to the
# possible first characters; "starts at a word boundary" is checked on the matches instead.
_COMPILED = [(intent, p, re.compile(pat, re.MULTILINE)) for intent, p, pat in RULES]


def rule_scores(texts: Sequence[str], intents: Sequence[str]) -> np.ndarray:
    """Highest rule probability per (text, intent); 0 where no rule matches."""
    out = np.zeros((len(texts), len(intents)), dtype=np.float64)
    if not texts:
        return out
    big = URL_PATTERN.sub(" ", "\n".join(t.replace("\n", " ") for t in texts)).lower()
    starts = np.flatnonzero(np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32) == 10) + 1
    starts = np.concatenate(([0], starts))
    column = {name: j for j, name in enumerate(intents)}
    for intent, p, pattern in _COMPILED:
        j = column.get(intent)
        if j is None:
            continue
        pos = [
            m.start()
            for m in pattern.finditer(big)
            if m.start() == 0 or not (big[m.start() - 1].isalnum() and m.group()[0].isalnum())
        ]
        if pos:
            docs = np.searchsorted(starts, pos, side="right") - 1
            out[docs, j] = np.maximum(out[docs, j], p)
    return out
