"""Response quality: flags on responses, never deletions (docs/surveys.md, "Response quality").

`flag(definition, frame)` adds a `flags` column (the names of the rules a response breaks,
in `FLAGS` order) and a `longest_string` column (the longest-string index) to a copy of a
responses frame (`research/columns.py`). `select` keeps or drops flagged responses for one
analysis and says how many it dropped and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from escucha.errors import UserError
from escucha.research.columns import (
    COMPLETE,
    SCALE_KINDS,
    answer_columns,
    map_unique,
    matrix_frame,
    open_columns,
    text_key,
)
from escucha.research.definition import Definition, Kind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from escucha.understand.langid import LanguageDetector

FLAGS = (
    "speeder", "straight_lining", "long_string", "attention_failed", "duplicate",
    "gibberish", "copy_paste", "honeypot", "impossible_time",
)  # fmt: skip

# texts -> the language identifier's confidence in its best language, for each text
Confidence = Callable[[Sequence[str]], Sequence[float]]


@dataclass(frozen=True)
class Rules:
    """The thresholds of the flags (docs/surveys.md gives each rule)."""

    speeder_share: float = 0.4  # of the median complete time
    speeder_min_complete: int = 30  # complete responses needed before anyone is a speeder
    matrix_min_rows: int = 5  # straight-lining is judged on matrices this big
    long_string_min_items: int = 10  # scale answers needed for the longest-string index
    long_string_share: float = 0.8  # of them in one run of the same answer
    duplicate_similarity: float = 0.9  # share of the answers two responses have in common
    min_seconds_per_answer: float = 1.0  # below this on average the times are impossible
    open_min_words: int = 3  # open answers this long are checked for gibberish
    gibberish_confidence: float = 0.6  # language ID confidence below this: gibberish
    copy_min_chars: int = 20  # open answers this long, given twice, are copy-pasted


def flag(
    definition: Definition,
    frame: pd.DataFrame,
    rules: Rules = Rules(),
    *,
    confidence: Confidence | None = None,
) -> pd.DataFrame:
    """A copy of `frame` with `flags` (list of flag names) and `longest_string` columns.

    `confidence` is the language identifier used on open answers (default: py3langid's
    model over the survey's languages and `DISTANT_LANGUAGES`, `language_confidence`)."""
    import numpy as np

    out = frame.copy()
    n = len(out)
    answers = _Answers(definition, out)
    found: dict[str, np.ndarray] = {}
    found["speeder"] = _speeders(out, rules)
    found["straight_lining"] = _straight_lining(definition, answers, rules)
    longest, items = _longest_string(definition, answers)
    found["long_string"] = (items >= rules.long_string_min_items) & (
        longest >= rules.long_string_share * np.maximum(items, 1)
    )
    found["attention_failed"] = _attention(definition, answers)
    found["duplicate"] = _duplicates(out, answers, rules)
    texts = _open_texts(definition, out)
    if confidence is None and texts.texts:
        confidence = language_confidence([lang.code for lang in definition.languages])
    found["gibberish"] = _gibberish(texts, n, rules, confidence or (lambda t: [1.0] * len(t)))
    found["copy_paste"] = _copy_paste(texts, n, rules)
    found["honeypot"] = (
        out["honeypot"].fillna(False).astype(bool).to_numpy()
        if "honeypot" in out
        else np.zeros(n, bool)
    )
    found["impossible_time"] = _impossible_time(out, answers, rules)
    names = np.array(FLAGS, dtype=object)
    table = np.column_stack([found[name] for name in FLAGS]) if n else np.zeros((0, len(FLAGS)))
    empty: list[str] = []
    out["flags"] = [list(names[row]) if row.any() else empty[:] for row in table.astype(bool)]
    out["longest_string"] = longest
    return out


class _Answers:
    """Each answer column as comparable keys (`columns.text_key`; "" when unanswered) and
    as integer codes (-1 when unanswered), worked out once per column. Matrix rows are
    columns of their own here, whichever shape the frame gives them in."""

    def __init__(self, definition: Definition, frame: pd.DataFrame) -> None:
        self.n = len(frame)
        self.columns: dict[str, np.ndarray] = {}
        for question in definition.questions():
            if question.kind is Kind.MATRIX:
                grid = matrix_frame(frame, question)
                for row in question.rows:
                    self.columns[row.name] = grid[row.name].to_numpy(dtype=object)
        for name in answer_columns(definition):
            if name in frame.columns and name not in self.columns:
                self.columns[name] = frame[name].to_numpy(dtype=object)
        self._keys: dict[str, np.ndarray] = {}
        self._codes: dict[str, np.ndarray] = {}

    def keys(self, name: str) -> np.ndarray:
        if name not in self._keys:
            self._keys[name] = map_unique(self.columns.get(name, [None] * self.n), text_key)
        return self._keys[name]

    def codes(self, name: str) -> np.ndarray:
        import numpy as np
        import pandas as pd

        if name not in self._codes:
            keys = self.keys(name)
            codes, _ = pd.factorize(keys)
            self._codes[name] = np.where(keys == "", -1, codes)
        return self._codes[name]

    def given(self, name: str) -> np.ndarray:
        return self.codes(name) >= 0


def _complete(frame: pd.DataFrame) -> np.ndarray:
    import numpy as np

    if "status" not in frame:
        return np.ones(len(frame), bool)
    return (frame["status"] == COMPLETE).to_numpy()


def _seconds(frame: pd.DataFrame) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if "total_seconds" not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame["total_seconds"], errors="coerce").to_numpy(dtype=float)


def _speeders(frame: pd.DataFrame, rules: Rules) -> np.ndarray:
    """Complete responses faster than `speeder_share` of the median complete time, once
    there are `speeder_min_complete` complete responses with a time."""
    import numpy as np

    complete = _complete(frame)
    seconds = _seconds(frame)
    timed = complete & np.isfinite(seconds)
    if timed.sum() < rules.speeder_min_complete:
        return np.zeros(len(frame), bool)
    median = float(np.median(seconds[timed]))
    return timed & (seconds < rules.speeder_share * median)


def _straight_lining(definition: Definition, answers: _Answers, rules: Rules) -> np.ndarray:
    """The same answer on every row of a matrix of at least `matrix_min_rows` rows."""
    import numpy as np

    hit = np.zeros(answers.n, bool)
    for question in definition.questions():
        if question.kind is not Kind.MATRIX or len(question.rows) < rules.matrix_min_rows:
            continue
        first = answers.keys(question.rows[0].name)  # keys: codes differ per column
        same = first != ""
        for row in question.rows[1:]:
            same &= answers.keys(row.name) == first
        hit |= same
    return hit


def scale_names(definition: Definition) -> list[str]:
    """The answers on scales, in the form's order: single choice, rating and NPS questions
    and every matrix row (what the longest-string index runs over)."""
    names: list[str] = []
    for question in definition.questions():
        if question.kind in SCALE_KINDS:
            names.append(question.name)
        elif question.kind is Kind.MATRIX:
            names += [row.name for row in question.rows]
    return names


def _longest_string(definition: Definition, answers: _Answers) -> tuple[np.ndarray, np.ndarray]:
    """Per response: the longest run of one answer given to consecutive scale items (an
    unanswered item breaks a run), and how many scale items it answered."""
    import numpy as np

    n = answers.n
    longest = np.zeros(n, dtype=np.int64)
    answered = np.zeros(n, dtype=np.int64)
    run = np.zeros(n, dtype=np.int64)
    previous: np.ndarray | None = None
    for name in scale_names(definition):
        if name not in answers.columns:
            continue
        values = answers.keys(name)
        given = values != ""
        same = given & (values == previous) if previous is not None else np.zeros(n, bool)
        run = np.where(same, run + 1, given.astype(np.int64))
        longest = np.maximum(longest, run)
        answered += given
        previous = values
    return longest, answered


def _attention(definition: Definition, answers: _Answers) -> np.ndarray:
    """An attention check answered with anything but its expected answer (unanswered ones,
    e.g. hidden by display logic, are not failures)."""
    import numpy as np

    failed = np.zeros(answers.n, bool)
    for question in definition.questions():
        expected = question.attention_answer
        if expected is None or question.name not in answers.columns:
            continue
        want = text_key(expected.split() if question.kind is Kind.MULTIPLE else expected)
        got = answers.keys(question.name)
        failed |= (got != "") & (got != want)
    return failed


DUPLICATE_WINDOW = 200  # a response is compared with this many earlier ones of its fingerprint


def _duplicates(frame: pd.DataFrame, answers: _Answers, rules: Rules) -> np.ndarray:
    """A later response of a contact who already answered; or one whose answers (open
    texts included) match one of the `DUPLICATE_WINDOW` earlier responses from the same
    fingerprint on at least `duplicate_similarity` of the questions either answered."""
    import numpy as np
    import pandas as pd

    hit = np.zeros(answers.n, bool)
    if "contact_id" in frame:
        contact = frame["contact_id"]
        hit |= (contact.notna() & contact.duplicated(keep="first")).to_numpy()
    if "fingerprint" not in frame or not answers.columns:
        return hit
    prints, _ = pd.factorize(frame["fingerprint"])  # -1: no fingerprint
    order = np.argsort(prints, kind="stable")  # each fingerprint's responses, in order
    ordered = prints[order]
    codes = np.column_stack([answers.codes(name) for name in answers.columns])
    given = codes >= 0
    for step in range(1, min(DUPLICATE_WINDOW, answers.n - 1) + 1):
        pair = (ordered[:-step] == ordered[step:]) & (ordered[step:] >= 0)
        if not pair.any():
            break
        earlier, later = order[:-step][pair], order[step:][pair]
        same = ((codes[earlier] == codes[later]) & given[later]).sum(axis=1)
        either = (given[earlier] | given[later]).sum(axis=1)
        close = (either > 0) & (same >= rules.duplicate_similarity * np.maximum(either, 1))
        hit[later[close]] = True
    return hit


@dataclass(frozen=True)
class _Texts:
    rows: list[int] = field(default_factory=list)  # position of the response
    texts: list[str] = field(default_factory=list)


def _open_texts(definition: Definition, frame: pd.DataFrame) -> _Texts:
    found = _Texts()
    for column in open_columns(definition, frame):
        for i, value in enumerate(frame[column].to_numpy(dtype=object)):
            if isinstance(value, str) and value.strip():
                found.rows.append(i)
                found.texts.append(value.strip())
    return found


def _gibberish(texts: _Texts, n: int, rules: Rules, confidence: Confidence) -> np.ndarray:
    """Open answers of at least `open_min_words` words whose language the identifier
    cannot tell (best confidence under `gibberish_confidence`)."""
    import numpy as np

    hit = np.zeros(n, bool)
    pairs = zip(texts.rows, texts.texts, strict=True)
    long = [(r, t) for r, t in pairs if len(t.split()) >= rules.open_min_words]
    unique = sorted({t for _, t in long})
    if not unique:
        return hit
    scores = dict(zip(unique, confidence(unique), strict=True))
    for row, text in long:
        if scores[text] < rules.gibberish_confidence:
            hit[row] = True
    return hit


def _copy_paste(texts: _Texts, n: int, rules: Rules) -> np.ndarray:
    """The same open text (case, accents and spacing folded), of at least
    `copy_min_chars` characters, in more than one response: all of them are flagged."""
    import numpy as np

    hit = np.zeros(n, bool)
    owners: dict[str, set[int]] = {}
    for row, text in zip(texts.rows, texts.texts, strict=True):
        key = text_key(text)
        if len(key) >= rules.copy_min_chars:
            owners.setdefault(key, set()).add(row)
    for rows in owners.values():
        if len(rows) > 1:
            hit[list(rows)] = True
    return hit


def _impossible_time(frame: pd.DataFrame, answers: _Answers, rules: Rules) -> np.ndarray:
    """A complete response whose time per answer is under `min_seconds_per_answer`."""
    import numpy as np

    answered = np.zeros(answers.n, dtype=np.int64)
    for name in answers.columns:
        answered += answers.given(name)
    seconds = _seconds(frame)
    with np.errstate(invalid="ignore"):
        fast = seconds < rules.min_seconds_per_answer * answered
    return _complete(frame) & (answered > 0) & np.isfinite(seconds) & fast


# Languages far from each other, told among with the survey's own: a real answer in the
# survey's language is told with confidence; a text that resembles no language spreads its
# probability and is not. (Close relatives such as es, pt, ca and gl would split the
# probability of a real Spanish answer, so they are not added.)
DISTANT_LANGUAGES = ("de", "pl", "tr", "id", "fi", "hu", "sw", "nl")
FALLBACK_LANGUAGES = ("en", "es")  # when none of the survey's languages is known to langid


@cache
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    from escucha.understand.langid import LanguageDetector

    wanted = list(dict.fromkeys([*(languages or FALLBACK_LANGUAGES), *DISTANT_LANGUAGES]))
    try:
        return LanguageDetector(wanted, min_words=1)
    except ValueError:  # "und", "en-GB"...: a code py3langid does not have
        return LanguageDetector([*FALLBACK_LANGUAGES, *DISTANT_LANGUAGES], min_words=1)


def language_confidence(languages: Sequence[str] = ()) -> Confidence:
    """py3langid's confidence in its best language among the survey's `languages` and
    `DISTANT_LANGUAGES`, per text."""
    detector = _detector(tuple(languages))

    def confidence(texts: Sequence[str]) -> list[float]:
        return [score for _, score in detector.detect_with_confidence(texts)]

    return confidence


# --- per analysis: which flagged responses to leave out ----------------------------------


@dataclass(frozen=True)
class Exclusion:
    """How many responses an analysis left out, and why."""

    rule: str  # "every flag", "flags: a, b" or "none"
    excluded: int
    by_flag: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "excluded": self.excluded, "by_flag": dict(self.by_flag)}

    def sentence(self) -> str:
        if not self.excluded:
            return f"no response excluded (rule: {self.rule})"
        why = ", ".join(f"{name} {count}" for name, count in self.by_flag.items())
        return f"{self.excluded} flagged responses excluded ({why}; rule: {self.rule})"


def check_flags(names: Iterable[str]) -> tuple[str, ...]:
    """Flag names as given, refused with one line when one is unknown."""
    names = tuple(names)
    for name in names:
        if name not in FLAGS:
            raise UserError(f"unknown flag {name!r}; flags are {', '.join(FLAGS)}")
    return names


def select(
    frame: pd.DataFrame,
    *,
    exclude: Iterable[str] = (),
    include_flagged: bool = False,
) -> tuple[pd.DataFrame, Exclusion]:
    """The responses an analysis keeps. By default every flagged response is left out;
    `exclude` leaves out only responses with those flags; `include_flagged` keeps all."""
    import numpy as np

    names = check_flags(exclude)
    if include_flagged and names:
        raise UserError("--include-flagged keeps every response: do not combine it with "
                        "--exclude-flag")  # fmt: skip
    flags = frame["flags"] if "flags" in frame else [[] for _ in range(len(frame))]
    if include_flagged:
        return frame, Exclusion("none", 0, {})
    wanted = set(names) if names else set(FLAGS)
    drop = np.array([bool(wanted.intersection(f)) for f in flags], dtype=bool)
    counts: dict[str, int] = {}
    for found in (f for f, d in zip(flags, drop, strict=True) if d):
        for name in found:
            if name in wanted:
                counts[name] = counts.get(name, 0) + 1
    by_flag = {name: counts[name] for name in FLAGS if name in counts}
    rule = f"flags: {', '.join(names)}" if names else "every flag"
    return frame[~drop], Exclusion(rule, int(drop.sum()), by_flag)
