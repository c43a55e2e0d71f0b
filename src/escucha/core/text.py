"""Accent- and case-folding: 'Avión' and 'avion' compare equal everywhere in escucha."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\w+")  # a word of folded text: what queries match, on word boundaries


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _FoldTable(dict[int, str]):
    """Code point -> folded string, filled on first sight (folding is per character)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, one character at a time (so positions can be mapped)."""
    return text.lower() if text.isascii() else text.translate(_TABLE)


def folded_words(text: str) -> str:
    """The words of the folded text, each between single spaces (' vuelo cancelado '; '' when
    none): what the store's search index holds for a post (`posts.words`)."""
    found = WORD.findall(fold(text))
    return f" {' '.join(found)} " if found else ""
