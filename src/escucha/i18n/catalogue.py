"""The catalogues: one per UI language, with the same keys, shared by the web app, the report
and the errors users see. A face asks for `catalogue(lang)` and looks sentences up by key;
the core raises errors with a `Message` (a key and its values) that each face words in its
user's language, and that reads as English everywhere else (the CLI, logs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType

from escucha.i18n import format as fmt

LANGUAGES = ("en", "es")  # each has a module of this package: STRINGS and LOCALE
NATIVE_NAMES = {"en": "English", "es": "Español"}
DEFAULT = "en"


@dataclass(frozen=True)
class Message:
    """A sentence of the catalogues and the values of its {placeholders}. str() is the
    English text, so an error raised with one reads as before wherever it is not shown
    through a catalogue."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return catalogue(DEFAULT).say(self)


class Catalogue(Mapping[str, str]):
    """The sentences of one UI language by key (`t["key"]`, `t.key` in a template) and how
    the language writes numbers. Sentences with {placeholders} are filled with `text`;
    pages escape the result."""

    def __init__(self, lang: str, strings: Mapping[str, str], locale: fmt.Locale) -> None:
        self.lang = lang
        self.locale = locale
        self._strings = strings

    def __getitem__(self, key: str) -> str:
        return self._strings[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._strings)

    def __len__(self) -> int:
        return len(self._strings)

    def text(self, key: str, /, **params: object) -> str:
        """The sentence `key` with its placeholders filled."""
        return self._strings[key].format(**params)

    def say(self, message: str | Message) -> str:
        """A Message in this language; plain text (an error without a key) as it is."""
        if isinstance(message, Message):
            return self.text(message.key, **message.params)
        return message

    def error_text(self, error: BaseException) -> str:
        """What an error says, in this language when it was raised with a Message."""
        said = getattr(error, "translatable", None)
        return self.say(said) if isinstance(said, Message) else str(error)

    def language_name(self, code: str | None) -> str:
        """The name of a posts' language (e.g. "es") in this language; the code if unknown."""
        if not code:
            return self["none"]
        return self._strings.get(f"lang_{code}", code)

    def number(self, value: int | float) -> str:
        return fmt.number(value, self.locale)

    def decimal(self, value: float, places: int = 2) -> str:
        return fmt.decimal(value, places, self.locale)

    def percent(self, value: float | None) -> str | None:
        return fmt.percent(value, self.locale)

    def signed(self, value: float | None) -> str | None:
        return fmt.signed(value, self.locale)

    def long_day(self, value: object) -> str | None:
        """A day with its month by name, as the language writes it (Babel)."""
        return fmt.long_day(value, self.locale)


# Sentences plugins add through their `strings` hook (escucha.plugins), per language.
_ADDED: dict[str, dict[str, str]] = {}


def catalogue(lang: str) -> Catalogue:
    """The catalogue of `lang`; English for a language the UI does not have."""
    return _load(lang if lang in LANGUAGES else DEFAULT)


def add_strings(per_language: Mapping[str, Mapping[str, str]]) -> None:
    """Add a plugin's sentences ({language: {key: text}}). A key that escucha's own catalogue
    or an earlier plugin already has is refused, so a plugin never rewords another's text;
    adding the same sentence again (a registry built twice) is a no-op."""
    for lang, texts in per_language.items():
        if lang not in LANGUAGES:
            continue
        own = _module(lang).STRINGS
        added = _ADDED.setdefault(lang, {})
        for key, text in texts.items():
            if key in own or added.get(key, text) != text:
                raise ValueError(f"the catalogue '{lang}' already has the key {key!r}")
            added[key] = text
    _load.cache_clear()


def _module(lang: str) -> ModuleType:
    """A catalogue module: its STRINGS and LOCALE."""
    return import_module(f"escucha.i18n.{lang}")


@cache
def _load(lang: str) -> Catalogue:
    module = _module(lang)
    return Catalogue(lang, {**module.STRINGS, **_ADDED.get(lang, {})}, module.LOCALE)


def first_supported(languages: Sequence[str]) -> str:
    """The first of `languages` (e.g. a workspace's) that has a catalogue, else English."""
    return next((code for code in languages if code in LANGUAGES), DEFAULT)


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
        if code in LANGUAGES:
            return code
    return DEFAULT
