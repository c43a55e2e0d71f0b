"""The words of posts, as themes, ideas and key phrases read them, and quotes.

A post becomes its terms: unigrams and bigrams without @handles, URLs, stopwords or brand
words, accents and apostrophes folded, plurals folded onto the singular, a bigram allowed to
skip a couple of stopwords ("lost my bag" is "lost bag"), each term with the way the post
first wrote it (for labels). Quotes are posts' texts cleaned for display; two quotes whose
word sets are nearly the same are one quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from escucha.core.text import fold as fold_accents
from escucha.insights.lemmas import repair
from escucha.insights.stopwords import ALL as STOPWORDS

MAX_GAP = 2  # stopwords a bigram may skip: "lost my bag" counts as "lost bag"
NEAR_COPY = 0.8  # token-set Jaccard above which two quotes are the same text
QUOTE_CHARS = 400

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<handle>@\w+)"
    r"|#(?P<tag>\w+)"
    r"|(?P<code>\b(?=[^\W_]*\d)[^\W_]+)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<stop>[.!?;:,()\[\]\"“”«»¿¡…|/\n])"
)
_RETWEET = re.compile(r"^\s*rt\s+@\w+:?\s*", re.IGNORECASE)


def fold(word: str) -> str:
    """Lower-case without accents or apostrophes: "Didn't" -> "didnt", "Atención" -> "atencion"."""
    return fold_accents(word.replace("'", "").replace("’", ""))


def plural_key(token: str) -> str:
    """Fold a plural onto its singular ("bags" -> "bag", "maletas" -> "maleta"): crude, but
    it keeps one concern from being split in two."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "is", "us")):
        return token[:-1]
    return token


def brand_words(brands: Iterable[dict]) -> set[str]:
    """Folded words of brand names, aliases, handles and hashtags, and the initials of
    names of several words ("American Airlines" -> "aa", "Air Europa" -> "ae"): never a key
    phrase."""
    words: set[str] = set()
    for brand in brands:
        names = [brand.get("name") or "", *(brand.get("aliases") or ())]
        tags = [*(brand.get("handles") or ()), *(brand.get("hashtags") or ())]
        for text in names:
            parts = [fold(w) for w in re.findall(r"[^\W_]+", text)]
            words.update(parts)
            if len(parts) > 1:
                words.add("".join(p[0] for p in parts if p))
        words.update(fold(t.lstrip("@#")) for t in tags)
    return {w for w in words if w}


def post_terms_of(
    text: str,
    exclude: frozenset[str],
    key: Callable[[str], str] = plural_key,
    drop_codes: bool = False,
) -> dict[str, str]:
    """Terms of one post (unigrams and bigrams) -> how the post first wrote them.

    `key` maps a folded word onto its term (by default plurals onto the singular; themes
    pass a stemmer). Words with digits (flight numbers "UA922", "IB6409") and the dataset
    artefacts that `lemmas.repair` knows are not terms; with `drop_codes`, neither are
    words of two letters ("ua", "ib") or three capitals ("JFK", "DFW"): codes, not words."""
    text = repair(text)
    found: dict[str, str] = {}
    previous: tuple[str, int] | None = None  # last content token and where it started
    gap = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("word", "tag"):
            previous = None
            continue
        raw = match.group(kind)
        token = fold(raw)
        if (
            len(token) < 2
            or token in STOPWORDS
            or token in exclude
            or (drop_codes and (len(token) == 2 or (len(raw) == 3 and raw.isupper())))
        ):
            gap += 1
            if gap > MAX_GAP:
                previous = None
            continue
        start = match.start(kind)
        token = key(token)
        found.setdefault(token, raw.lower())
        if previous is not None:
            span = " ".join(text[previous[1] : match.end()].lower().split())
            found.setdefault(f"{previous[0]} {token}", span)
        previous, gap = (token, start), 0
    return found


def quote_tokens(text: str) -> frozenset[str]:
    """Words of a quote without a leading "RT @user:", to spot copies."""
    text = _RETWEET.sub("", text)
    words = (m.group(m.lastgroup) for m in _TOKEN.finditer(text) if m.lastgroup == "word")
    return frozenset(fold(w) for w in words)


def clean_quote_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
