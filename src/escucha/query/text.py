"""Text matching: word patterns, and word positions for NEAR (folding is `escucha.core.text`)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache

from escucha.core.text import WORD, fold


def has_word_char(text: str) -> bool:
    return WORD.search(text) is not None


@cache
def word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """Folded words in order, on word boundaries; a trailing '*' matches any word ending."""
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word) + r"(?!\w)")
    return re.compile(r"(?<!\w)" + r"\W+".join(parts))


class FoldedText:
    """A post's text folded once; word positions are computed only if NEAR asks for them."""

    __slots__ = ("_ends", "_starts", "folded")

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def contains(self, words: tuple[str, ...]) -> bool:
        return word_regex(words).search(self.folded) is not None

    def spans(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """(first word index, last word index) of each occurrence of `words`."""
        if self._starts is None:
            found = [m.span() for m in WORD.finditer(self.folded)]
            self._starts = [s for s, _ in found]
            self._ends = [e for _, e in found]
        out = []
        for m in word_regex(words).finditer(self.folded):
            first = bisect_right(self._ends, m.start())
            last = bisect_left(self._starts, m.end()) - 1
            out.append((first, last))
        return out
