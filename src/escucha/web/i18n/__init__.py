"""The UI's text, one catalogue per language (en.py, es.py) with the same keys.

Values with {placeholders} are filled with str.format; templates escape the result."""

from __future__ import annotations

from escucha.web.i18n import en, es

CATALOGUES: dict[str, dict[str, str]] = {"en": en.STRINGS, "es": es.STRINGS}
LANGUAGES = tuple(CATALOGUES)
NATIVE_NAMES = {"en": "English", "es": "Español"}
DEFAULT = "en"


def catalogue(lang: str) -> dict[str, str]:
    return CATALOGUES.get(lang, CATALOGUES[DEFAULT])


def negotiate(accept_language: str) -> str:
    """The first of the browser's languages that the UI has, by quality, else English."""
    choices = []
    for i, part in enumerate(accept_language.split(",")[:20]):
        pieces = part.strip().split(";")
        code = pieces[0].strip().lower().split("-")[0]
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        choices.append((-quality, i, code))
    for _, _, code in sorted(choices):
        if code in CATALOGUES:
            return code
    return DEFAULT


def language_name(lang: str, code: str | None) -> str:
    """The name of a posts' language (e.g. 'es') in the UI language."""
    t = catalogue(lang)
    if not code:
        return t["none"]
    return t.get(f"lang_{code}", code)
