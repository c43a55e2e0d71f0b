"""Precision, recall and F1 of the guard's flags on an annotated set (docs/guard.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

MEASURED_FLAGS = ("undisclosed_connection", "hard_sell")


@dataclass(frozen=True)
class FlagScore:
    flag: str
    lang: str
    support: int  # drafts annotated with the flag
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class CleanScore:
    lang: str
    clean: int  # drafts annotated with no flag
    flagged: int  # ... of which the guard flagged

    @property
    def rate(self) -> float:
        return self.flagged / self.clean if self.clean else 0.0


def score(
    rows: Iterable[Mapping], flags_of: Callable[[Mapping], Iterable[str]]
) -> tuple[list[FlagScore], list[CleanScore]]:
    """Per flag and language (and "all"), and the clean drafts' false-flag rate.

    Each row has `lang` and `expected` (the annotated flags); `flags_of(row)` is what the guard
    says. Only the measured flags count, for the scores and for "flagged"."""
    counts: dict[tuple[str, str], list[int]] = {}
    clean: dict[str, list[int]] = {}
    for row in rows:
        expected = set(row["expected"]) & set(MEASURED_FLAGS)
        found = set(flags_of(row)) & set(MEASURED_FLAGS)
        for lang in (row["lang"], "all"):
            for flag in MEASURED_FLAGS:
                c = counts.setdefault((flag, lang), [0, 0, 0, 0])
                c[0] += flag in expected
                c[1] += flag in expected and flag in found
                c[2] += flag in found and flag not in expected
                c[3] += flag in expected and flag not in found
            if not expected:
                k = clean.setdefault(lang, [0, 0])
                k[0] += 1
                k[1] += bool(found)
    flag_scores = [FlagScore(f, lang, *c) for (f, lang), c in sorted(counts.items())]
    clean_scores = [CleanScore(lang, *c) for lang, c in sorted(clean.items())]
    return flag_scores, clean_scores
