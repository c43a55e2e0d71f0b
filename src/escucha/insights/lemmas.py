"""Light, rule-based word keys for Spanish and English, and repair of a known text artefact.

`stem(word, lang)` maps the forms of one word onto one key ("delayed", "delays", "delay" ->
"delay"; "cancelado", "cancelación", "cancelan" -> "cancel"), so that a theme is not split
by grammar. Keys are for grouping only: labels show the form the posts write most often.
A short suffix list per language, no dictionary and nothing downloaded; it over- and
under-stems now and then ("casa" and "caso" share "cas"), which costs little in themes.

`repair(text)` undoes a find-and-replace that a widely used English airline dataset went
through ("late" became "Late Flight", "cancel" "Cancelled Flight", "booking" "Flight Booking
Problems", glued to what followed: "Late Flightr", "Cancelled Flightled").
"""

from __future__ import annotations

import re

MIN_STEM = 3  # never strip a word below this many letters

_ENGLISH_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ed", "ies", "es",
    "ly", "s",
)  # fmt: skip
_SPANISH_SUFFIXES = (
    "aciones", "acion", "amientos", "amiento", "imientos", "imiento", "ando", "iendo",
    "adas", "ados", "idas", "idos", "aron", "ieron", "aban", "aria", "ada", "ado", "ida", "ido",
    "ar", "er", "ir", "an", "en", "as", "es", "os", "a", "o", "e", "ó",
)  # fmt: skip
_KEEP_S = ("ss", "us", "is")  # "class", "bus", "this": the s is not a plural

_ARTEFACTS = (
    (re.compile(r"cancell?ed flight(?=\w|\b)", re.IGNORECASE), "cancel"),
    (re.compile(r"late flight(?=\w|\b)", re.IGNORECASE), "late"),
    (re.compile(r"flight booking problems(?=\w|\b)", re.IGNORECASE), "booking"),
)
_GLUED_WORD = re.compile(r"\b(cancel|late|booking)(\w*)", re.IGNORECASE)


def repair(text: str) -> str:
    """The text with the dataset's substitutions undone: "my flight was Cancelled Flightled"
    -> "my flight was cancelled", "Late Flightr" -> "later", "reFlight Booking Problems" ->
    "rebooking". Text without the artefacts comes back unchanged."""
    if "light" not in text:
        return text
    fixed = text
    for pattern, word in _ARTEFACTS:
        fixed = pattern.sub(word, fixed)
    if fixed == text:
        return text
    return _GLUED_WORD.sub(_unglue, fixed)


def _unglue(match: re.Match[str]) -> str:
    base, tail = match.group(1).lower(), match.group(2).lower()
    if not tail:
        return match.group(0)
    glued = {"cancel": {"led": "cancelled", "ed": "canceled", "ling": "cancelling"},
             "late": {"r": "later", "ly": "lately", "st": "latest"},
             "booking": {"ed": "booked", "s": "bookings"}}  # fmt: skip
    return glued[base].get(tail, match.group(0))


def stem(word: str, lang: str | None) -> str:
    """The key of a folded (lower-case, accent-free) word in `lang` ("es", "en"; another
    language or None: plurals only)."""
    if lang == "es":
        return _strip(word, _SPANISH_SUFFIXES)
    if lang == "en":
        return _undouble(_english(word))
    return _plural(word)


def _plural(word: str) -> str:
    if len(word) > MIN_STEM and word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def _english(word: str) -> str:
    if word.endswith(_KEEP_S) and not word.endswith(("ness", "less")):
        return word
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            base = word[: -len(suffix)]
            if suffix in ("ies",):
                return base + "y"
            return base[:-1] if base.endswith("e") and len(base) > MIN_STEM else base
    return word[:-1] if word.endswith("e") and len(word) > MIN_STEM else word


def _undouble(word: str) -> str:
    """ "cancell" -> "cancel", "stopp" -> "stop" (and "call" -> "cal": a key, not a word)."""
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        return word[:-1]
    return word


def _strip(word: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word
