"""The request inside a wish post: what the person asks the brand to do or offer.

A wish post says much besides its request ("I paid for first class but got 38E. Can you
please add a seat map to the app?"); an idea is named and grouped by the request alone.
The request starts after a cue that marks advice or asking in either language ("please",
"you should", "it would be nice if", "why don't you", "deberían", "ojalá", "estaría bien
que", "me gustaría que", "por favor") and runs to the end of its sentence, at most
MAX_WORDS words.

A request for help with the person's own case ("please DM me", "can you help me", "fix my
seat", "por favor ayudadme") is a service request: the inbox's work, not the backlog's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from escucha.core.text import fold

MAX_WORDS = 10
Kind = Literal["product", "service"]  # the backlog's or the inbox's

# Cues that open a request; the request is what follows. Folded text (lower case, no accents).
_CUES = {
    "en": [
        r"\b(?:it|that)(?:'d| would) be (?:nice|great|awesome|cool|good|helpful|better|lovely)"
        r" (?:if|to)\b",
        r"\bwould(?:n't| not)? it be (?:nice|great|better) (?:if|to)\b",
        r"\bi (?:really )?wish (?:you(?: guys)?|u|y'?all|they)(?:'d| would| could| had)?\b",
        r"\b(?:i )?(?:really )?wish (?=(?:the|there|we|our|my|more|free|a|an)\b)",
        r"\b(?:it|that)?(?:'d| would) be (?:nice|great|awesome|cool|good|helpful|lovely)\b",
        r"\b(?:we|i) (?:really )?need (?=(?:a|an|more|better|some|free)\b)",
        r"\bi(?:'d| would) (?:love|like) (?:it if |for )?(?:you(?: guys)?|u) to\b",
        r"\bwhy (?:don'?t|do not|can'?t|cant) (?:you(?: guys)?|u|y'?all|they)\b",
        r"\b(?:you(?: guys)?|u|y'?all|they|airlines?|the (?:app|website|site|system|airline))"
        r" (?:really |seriously |definitely )?(?:should|need to|needs to|must|ought to|"
        r"have to|has to|gotta)\b",
        r"\b(?:can|could|will|would) (?:you(?: guys)?|u|y'?all) (?:please |pls |plz )?"
        r"(?=(?:add|bring|start|stop|offer|make|consider|allow|let|put|get|install|provide|"
        r"improve|update|fix|change|have|open|create|upgrade|extend|expand|include|give)\b)",
        r"\bplease\b,?",
        r"\bpls\b|\bplz\b",
        r"\bhow about\b",
        r"\b(?=bring back\b)",
        r"\bi suggest(?: that| you)?\b",
        r"\bmy suggestion(?: is| would be)?:?\b",
        r"(?:^|(?<=[.!?\n]))\s*(?=(?:add|bring|let|make|start|stop|offer|allow|put|install|"
        r"provide|improve|consider|open|create|extend|expand|include|introduce)\s+\w)",
    ],
    "es": [
        r"\b(?:estaria|seria) (?:bien|genial|estupendo|bueno|ideal|util) (?:que|si)\b",
        r"\bme (?:gustaria|encantaria)(?: que)?\b",
        r"\b(?:estaria|seria) (?:bien|genial|estupendo|ideal)\b",
        r"\bnecesitamos (?=(?:un|una|mas|mejor|mejores)\b)",
        r"\bojala\b(?: que)?",
        r"\b(?:deberian|deberiais|deberias|tendrian que|tendriais que|teneis que|tienen que|"
        r"hay que)\b",
        r"\bpor que no\b",
        r"\bpor favor\b,?",
        r"\bporfa(?:vor)?\b",
        r"\b(?:podriais|podrian|podeis|pueden) (?:por favor )?(?=(?:poner|anadir|incluir|"
        r"ofrecer|mejorar|cambiar|volver|abrir|dar|hacer|permitir|dejar)\b)",
        r"\ba ver (?:cuando|si)\b",
        r"\bsugiero(?: que)?\b",
        r"\bpropongo(?: que)?\b",
        r"(?:^|(?<=[.!?\n]))\s*(?=(?:poned|pongan|anadid|anadan|ofreced|ofrezcan|traed|"
        r"traigan|dejad|dejen|permitid|permitan|volved|vuelvan|abrid|abran|incluid|incluyan|"
        r"mejorad|mejoren)\s+\w)",
    ],
}
_COMPILED = {lang: re.compile("|".join(f"(?:{c})" for c in cues)) for lang, cues in _CUES.items()}

# A request about the person's own case. Folded words, checked on the request's first words.
_SERVICE = {
    "en": re.compile(
        r"^(?:\W*(?:just|kindly|someone|somebody|u|you|guys)\b)*\W*(?:"
        r"(?:dm|pm|msg|message|follow|help|call|contact|answer|respond|reply|assist|advise|"
        r"confirm|check|look into|look at|refund|rebook|reschedule|find|locate|track|tell|"
        r"email|explain|reimburse|compensate|credit|send)\b"
        r"(?:\s+\w+){0,3}?\s+(?:me|us|my|our|mine|i)\b"
        r"|(?:give|let|get|fix|change|cancel|update|hold|keep|return|deliver|transfer|move|"
        r"upgrade|waive|reconsider|put|bring|add|allow|make|show|work|take)\b"
        r"(?:\s+\w+){0,3}?\s+(?:me|my|mine|i)\b"
        r"|(?:help|advise)\b(?:\W+\w+){0,2}\W*$"
        r"|(?:dm|pm|follow back|help|advise|respond|reply|assist)\b\W*$"
        r"|(?:dm|pm|follow)\b|(?:check|answer|read) (?:your |the )?(?:dm|dms|messages?)\b)"
    ),
    "es": re.compile(
        r"^\W*(?:"
        r"(?:ayud\w*|respond\w*|contest\w*|llam\w*|escrib\w*|devolv\w*|devuelv\w*|"
        r"solucion\w*|arregl\w*|reembols\w*|indemniz\w*|mir\w*|revis\w*|cambi\w*|"
        r"envi\w*|dig\w*|informa\w*|atiend\w*|atend\w*)"
        r"(?:me|nos|le|les|la|lo)\b"
        r"|(?:me|nos)\s+\w+"
        r"|(?:dm|md|mensaje privado|privado)\b)"
    ),
}

# A request about a product surface is the backlog's even when it speaks of "me": "let me save
# my boarding pass in the app".
_SURFACE = re.compile(
    r"\b(?:app|apps|website|web|site|online|kiosks?|wifi|wi-fi|check-in|checkin|aplicacion|"
    r"pagina)\b"
)
# Said as advice but not asking for anything the brand could build.
_NOT_ASKING = re.compile(r"^(?:be (?:ashamed|embarrassed)|avergonzar|go to hell|irse a pique)")

_SENTENCE_END = re.compile(r"[.!?;\n,]|\s[-–—]\s|\s/\s|:\)|:\(")
_SENTENCE_START = re.compile(r".*(?:[.!?;\n,]|\s[-–—]\s|\s/\s|:\)|:\()", re.DOTALL)
_HANDLE_OR_URL = re.compile(r"(?:https?://|www\.)\S+|@\w+")
_WORD = re.compile(r"[#\w'’][\w'’&/-]*")
_TRAILING = {
    "en": {"and", "or", "the", "a", "an", "to", "for", "of", "on", "in", "with", "so", "but",
           "that", "if", "as", "at", "by", "from", "your", "you", "u", "it", "this", "is", "are",
           "be", "again", "too", "just", "thanks", "thank", "please", "pls", "ok", "now"},
    "es": {"y", "o", "el", "la", "los", "las", "un", "una", "de", "del", "a", "al", "en",
           "con", "por", "para", "que", "si", "pero", "mas", "se", "su", "sus", "lo", "le",
           "gracias", "favor", "ya", "ahora", "tambien", "es"},
}  # fmt: skip


_LEADING = {"to", "que", "and", "y", "just", "can", "you", "u", "so", "but", "pero", "also",
            "tambien", "i", "we", "please", "por", "favor"}  # fmt: skip


@dataclass(frozen=True)
class Request:
    """What a wish post asks for: the words after its cue, as the post wrote them."""

    text: str
    kind: Kind


def find_request(text: str, lang: str) -> Request | None:
    """The post's first request in `lang` ("en" or "es"), or None without a cue.

    The search runs on folded text of the same length as the original, so the request is
    cut from the post as it was written (accents and case kept)."""
    cues = _COMPILED.get(lang)
    if cues is None or not text:
        return None
    cleaned = _HANDLE_OR_URL.sub(lambda m: " " * len(m.group()), text)
    folded = _fold_same_length(cleaned)
    for cue in cues.finditer(folded):
        after = cleaned[cue.end() :]
        end = _SENTENCE_END.search(after)
        words = _trimmed(_WORD.findall(after[: end.start()] if end else after), lang)
        if len(words) < 2:  # a cue that closes its sentence: "More legroom please!"
            before = cleaned[: cue.start()]
            start = _SENTENCE_START.match(before)
            words = _trimmed(_WORD.findall(before[start.end() :] if start else before), lang)
        if len(words) < 2:
            continue
        request = " ".join(words)
        folded_request = fold(request)
        if _NOT_ASKING.search(folded_request):
            continue
        personal = _SERVICE[lang].search(folded_request) and not _SURFACE.search(folded_request)
        return Request(request, "service" if personal else "product")
    return None


def _trimmed(words: list[str], lang: str) -> list[str]:
    """Words without hashtag signs, without joining words at either end, at most MAX_WORDS."""
    words = [w.lstrip("#") for w in words][:MAX_WORDS]
    trailing = _TRAILING[lang]
    while words and fold(words[-1]) in trailing:
        words.pop()
    while words and fold(words[0]) in _LEADING:
        words.pop(0)
    return words


def _fold_same_length(text: str) -> str:
    """Lower-case, accents removed, one character for one, so offsets carry over."""
    return "".join(f if len(f := fold(ch)) == 1 else ch.lower() for ch in text)
