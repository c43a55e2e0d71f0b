"""The honest-post guard: is this text honest advertising, or advertising at all?

`check` reads one outgoing text (a reply, an announcement, a survey invitation, a tester call)
or a collected post of someone with a material connection to the brand, and returns a verdict
with its flags, each naming the words that raised it (docs/guard.md):

- `undisclosed_connection`: the author is connected to the brand (employee, gifted product,
  paid, affiliate), the text endorses or promotes the brand, and no clear disclosure is shown
  where the reader sees it (in the first `visible_chars`, not lost in a cluster of hashtags).
- `hard_sell`: the text is a sale now: at least `hard_sell_min_parts` of an offer, a purchase
  call and urgency.
- `ask_not_ready`: the text asks a favour of a contact the community rules say not to ask now.

The word lists are data files (`engage/data/*.toml`), replaceable per workspace. Matching is on
accent- and case-folded text with HTML tags removed; nothing is ever rendered.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from escucha.config import GuardSettings
from escucha.core.text import fold
from escucha.errors import ConfigError
from escucha.i18n import Catalogue, Message, catalogue

if TYPE_CHECKING:
    from escucha.core.context import Context

__all__ = [
    "CONNECTIONS",
    "Flag",
    "GuardLists",
    "GuardSettings",
    "PromotionalShare",
    "Readiness",
    "Verdict",
    "ask_not_ready",
    "check",
    "contact_readiness",
    "is_promotional",
    "load_lists",
    "promotional_share",
]

CONNECTIONS = ("none", "brand_account", "employee", "gifted", "paid", "affiliate")
# Authors whose endorsement of the brand needs a disclosure (16 CFR 255.5).
CONNECTED = frozenset({"employee", "gifted", "paid", "affiliate"})
# ... of whom these are taken to endorse the brand whenever they name it without complaining:
# they got something for talking about it. An employee's post about work is not an endorsement.
NAMING_ENDORSES = frozenset({"gifted", "paid", "affiliate"})
UNDISCLOSED = "undisclosed_connection"
HARD_SELL = "hard_sell"
ASK_NOT_READY = "ask_not_ready"
BLOCKING = frozenset({UNDISCLOSED})

LIST_FILES = {
    "disclosures.toml": ("accepted", "insufficient"),
    "selling.toml": ("offer", "purchase_call", "urgency"),
    "endorsement.toml": ("praise", "promotion", "complaint", "recruiting"),
    "asks.toml": ("asks",),
}
WORKSPACE_LISTS = "guard"  # <workspace>/guard/<file>.toml replaces the lists it names

_HIDDEN = re.compile(r"<(script|style)\b[^>]{0,1000}>.*?(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<[^<>]{0,1000}>")
_HASHTAG_RUN = re.compile(r"(?:[#@][\w.]+[\s,;·|]*){2,}")
_NEGATION = re.compile(r"(?:\bnot|\bno|\bnever|\bnunca|\bni|n't)\s+(?:\w+\s+)?$")
# A pointer at a product ("this serum", "these crisps", "este abrigo", "my new coat"): praise
# next to one is about the thing the author got, even when the brand is not named. Times
# ("this week", "este finde") point at nothing.
_PRODUCT = re.compile(
    r"\b(?:this|these|that|those|my new|our new|este|esta|estos|estas|ese|esa|esos|esas|"
    r"mi nuev[oa]|mis nuev[oa]s)\s+(?!(?:week|weekend|morning|year|month|time|day|summer|"
    r"winter|season|semana|finde|fin|ano|mes|dia|manana|tarde|noche|verano|invierno|vez|"
    r"temporada|lunes|martes|miercoles|jueves|viernes|sabado|domingo|is|was|one|es|fue)\b)"
    r"[a-z]\w+"
)
# Praise that always has an object: a recommendation, "you need it", "obsessed": from a gifted,
# paid or affiliate author it endorses what they got, named or not.
_AIMED_PRAISE = re.compile(r"recom|reccom|necesit|need|obsess|obsesion|must|imprescindible")
# Words a brand's name is often made of that, on their own, name nothing in particular
# ("Banco Brío" is named by "brío", not by "banco").
_GENERIC = frozenset(
    {
        *("bank", "banco", "caja", "cajas", "labs", "lab", "coffee", "cafe", "company"),
        *("compania", "store", "tienda", "shop", "shops", "studio", "estudio", "group", "grupo"),
        *("foods", "food", "comida", "cosmetics", "cosmetica", "beauty", "belleza", "skin"),
        *("piel", "clara", "alta", "nuevo", "nueva", "home", "casa", "house", "travel"),
        *("viajes", "tours", "tour", "sports", "sport", "moda", "fashion", "mate", "horno"),
        *("zapas", "hilo", "rojo", "club", "digital", "online", "market", "mercado"),
    }
)


@dataclass(frozen=True)
class Flag:
    """A flag, the words that raised it, and its reason as a catalogue sentence (`guard_*`
    keys of escucha.i18n) so each face words it in its user's language."""

    name: str
    message: Message
    triggers: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The reason in English."""
        return self.say("en")

    def say(self, lang: str = "en") -> str:
        """The reason in `lang` (English for a language the catalogues do not have)."""
        return _say(catalogue(lang), self.message)


def _say(t: Catalogue, message: Message) -> str:
    """A sentence with its values filled; values that are sentences are worded first, a tuple
    of them joined ("problems" with '; ', others with ', ')."""
    params: dict[str, object] = {}
    for key, value in message.params.items():
        if isinstance(value, Message):
            value = _say(t, value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Message):
            value = ("; " if key == "problems" else ", ").join(_say(t, m) for m in value)
        params[key] = value
    return t.text(message.key, **params)


@dataclass(frozen=True)
class Verdict:
    verdict: Literal["ok", "review", "block"]
    flags: tuple[Flag, ...] = ()

    @property
    def flag_names(self) -> list[str]:
        return [f.name for f in self.flags]

    @property
    def reasons(self) -> list[str]:
        """The reasons in English."""
        return self.reasons_in("en")

    def reasons_in(self, lang: str) -> list[str]:
        """The reasons in `lang` ("es", "en")."""
        return [f.say(lang) for f in self.flags]

    def to_json(self, id: object, lang: str = "en") -> dict:
        return {
            "id": id,
            "verdict": self.verdict,
            "flags": self.flag_names,
            "reasons": self.reasons_in(lang),
        }


@dataclass(frozen=True)
class Readiness:
    """Whether the community rules let us ask this contact for a favour now, and why not."""

    ready: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardLists:
    """The word lists: category -> language -> entries (docs/guard.md for the syntax)."""

    entries: Mapping[str, Mapping[str, tuple[str, ...]]]
    origins: Mapping[str, str] = field(default_factory=dict)  # category -> the file it came from
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for by_lang in self.entries.values() for lang in by_lang}))

    def pattern(self, category: str, langs: tuple[str, ...], brand: str) -> re.Pattern[str] | None:
        """One compiled alternation for the category's entries in these languages."""
        key = (category, langs, brand)
        if key not in self._compiled:
            by_lang = self.entries.get(category, {})
            chosen = [e for lang in langs for e in by_lang.get(lang, ())]
            where = f"{self.origins.get(category, 'escucha/engage/data')} [{category}]"
            self._compiled[key] = _compile(chosen, brand, where)
        return self._compiled[key]


# ---------------------------------------------------------------------------------------------
# Lists


def _tokens(entry: str) -> tuple[str, ...]:
    """A plain entry as regex tokens: one per character, a space run, the brand, a tail `*`."""
    text = fold(entry.strip())
    wild = text.endswith("*")
    out: list[str] = []
    for i, word in enumerate(text.rstrip("*").split()):
        if i:
            out.append(r"\s+")
        for j, piece in enumerate(word.split("{brand}")):
            if j:
                out.append("{brand}")
            out.extend(re.escape(c) for c in piece)
    if wild:
        out.append(r"\w*")
    return tuple(out)


def _trie_regex(entries: list[tuple[str, ...]], brand_re: str) -> str:
    """One regex for many phrases, sharing their prefixes (so each place is tried once)."""
    trie: dict = {}
    for tokens in entries:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [
            (brand_re if token == "{brand}" else token) + walk(child)
            for token, child in sorted(node.items())
            if token
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return walk(trie)


# A `re:` entry starts at a word (tried only where a word may start, which is what keeps a
# list of regular expressions fast) unless it starts with one of these signs, which may follow
# a letter ("shop.com/r/ana", "?ref=ana").
_MID_WORD = ("/", "?", "[?", "\\W", "\\s", "\\.", ".")


def _compile(entries: list[str], brand: str, where: str) -> re.Pattern[str] | None:
    """Whole-word matches of the entries: plain phrases in one prefix tree, `re:` entries as
    written, from a word's start unless they start with a sign in `_MID_WORD` ("{brand}" is
    the brand; entries naming it are skipped when there is none)."""
    brand_re = _brand_regex(brand)
    plain: list[tuple[str, ...]] = []
    bounded: list[str] = []  # regexes that start at a word
    loose: list[str] = []  # ... that start at a sign, or anchored at the text's start
    for entry in entries:
        if "{brand}" in entry and not brand_re:
            continue
        if not entry.startswith("re:"):
            plain.append(_tokens(entry))
            continue
        body = entry[3:].replace("{brand}", brand_re)
        if body.startswith("^"):
            loose.append(body)
        elif body.startswith(_MID_WORD):
            loose.append(f"(?:{body})(?!\\w)")
        else:
            bounded.append(f"(?:{body})")
    if plain:
        bounded.insert(0, _trie_regex(plain, brand_re))
    parts = ([rf"(?<![\w#@])(?:{'|'.join(bounded)})(?!\w)"] if bounded else []) + loose
    if not parts:
        return None
    try:
        return re.compile("|".join(parts))
    except re.error as exc:
        raise ConfigError(f"{where}: a regular expression does not compile ({exc})") from None


def _brand_forms(brand: str) -> tuple[str, ...]:
    """The brand as written, without spaces or signs, and each of its words that is
    distinctive on its own (four letters or more, not a generic word such as "bank")."""
    folded = fold(brand).strip()
    if not folded:
        return ()
    words = folded.split()
    forms = {folded, "".join(words), re.sub(r"\W+", "", folded)}
    if len(words) > 1:
        forms.update(w for w in words if len(w) >= 4 and w.isalpha() and w not in _GENERIC)
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


@cache
def _brand_regex(brand: str) -> str:
    forms = _brand_forms(brand)
    return (
        "(?:" + "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms) + ")"
        if forms
        else ""
    )


@cache
def _brand_mention(brand: str) -> re.Pattern[str] | None:
    inner = _brand_regex(brand)
    return re.compile(rf"(?<!\w)[@#]?{inner}(?!\w)") if inner else None


def _read_lists(text: str, where: str, categories: tuple[str, ...]) -> dict[str, dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    found: dict[str, dict] = {}
    for category, by_lang in data.items():
        if category not in categories:
            raise ConfigError(
                f"{where}: unknown list {category!r} (known: {', '.join(categories)})"
            )
        if not isinstance(by_lang, dict):
            raise ConfigError(f"{where} [{category}]: expected a table of languages")
        found[category] = {}
        for lang, values in by_lang.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ConfigError(f"{where} [{category}]: {lang!r} must be a list of strings")
            found[category][lang] = tuple(v for v in values if v.strip())
    return found


@cache
def _shipped() -> dict[str, dict]:
    entries: dict[str, dict] = {}
    folder = resources.files("escucha.engage") / "data"
    for name, categories in LIST_FILES.items():
        text = (folder / name).read_text(encoding="utf-8")
        entries.update(_read_lists(text, f"escucha/engage/data/{name}", categories))
    return entries


def load_lists(workspace_path: Path | None = None) -> GuardLists:
    """The shipped lists; a workspace's `guard/<file>.toml` replaces each list it names
    (per category and language), so a workspace can add words and remove them.

    Compiled once per content of the workspace's files (the overview reads the lists on every
    request, and compiling them costs milliseconds): editing a file gives new lists at once."""
    if workspace_path is None:
        return _default_lists()
    return _lists_of(str(workspace_path), list_texts(workspace_path))


def list_texts(workspace_path: Path) -> tuple[str | None, ...]:
    """The texts of the workspace's list files (None for each one it lacks): what the
    lists it gives depend on."""
    texts = []
    for name in LIST_FILES:
        path = Path(workspace_path) / WORKSPACE_LISTS / name
        texts.append(path.read_text(encoding="utf-8") if path.is_file() else None)
    return tuple(texts)


@lru_cache(maxsize=16)
def _lists_of(folder: str, texts: tuple[str | None, ...]) -> GuardLists:
    entries = {category: dict(by_lang) for category, by_lang in _shipped().items()}
    origins: dict[str, str] = {}
    for (name, categories), text in zip(LIST_FILES.items(), texts, strict=True):
        if text is None:
            continue
        path = Path(folder) / WORKSPACE_LISTS / name
        for category, by_lang in _read_lists(text, str(path), categories).items():
            entries.setdefault(category, {}).update(by_lang)
            origins[category] = str(path)
    return _compiled(entries, origins)


def _compiled(entries: dict, origins: dict[str, str]) -> GuardLists:
    lists = GuardLists(entries, origins)
    for category in entries:  # fail now, with the file named, not on the first draft
        lists.pattern(category, lists.languages(), "brand")
    return lists


@cache
def _default_lists() -> GuardLists:
    return _compiled({category: dict(by_lang) for category, by_lang in _shipped().items()}, {})


# ---------------------------------------------------------------------------------------------
# Reading a text


def _plain(text: str) -> str:
    """Folded text with HTML tags, scripts and styles removed, entities decoded (for matching
    only; nothing is rendered). A disclosure inside a script or a style is never a clear one."""
    if "<" in text:
        text = _TAG.sub(" ", _HIDDEN.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return fold(text)


def _languages(lang: str | None, lists: GuardLists) -> tuple[str, ...]:
    """The lists to apply: the text's language when we have lists for it, else all of them."""
    known = lists.languages()
    if lang:
        base = lang.strip().lower().replace("_", "-").split("-")[0]
        if base in known:
            return (base,)
    return known


def _matches(pattern: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text)) if pattern is not None else []


def _words(found: Iterable[re.Match[str]]) -> tuple[str, ...]:
    """The distinct matched words, in order of appearance."""
    return tuple(dict.fromkeys(" ".join(m.group(0).split()) for m in found))


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


@dataclass(frozen=True)
class _Reading:
    """What the lists found in one text."""

    offer: tuple[str, ...]
    call: tuple[str, ...]
    urgency: tuple[str, ...]

    @property
    def selling_parts(self) -> int:
        return bool(self.offer) + bool(self.call) + bool(self.urgency)

    @property
    def selling_words(self) -> tuple[str, ...]:
        return self.offer + self.call + self.urgency


def _read_selling(plain: str, langs: tuple[str, ...], brand: str, lists: GuardLists) -> _Reading:
    return _Reading(
        _words(_matches(lists.pattern("offer", langs, brand), plain)),
        _words(_matches(lists.pattern("purchase_call", langs, brand), plain)),
        _words(_matches(lists.pattern("urgency", langs, brand), plain)),
    )


def _hard_sell(reading: _Reading, settings: GuardSettings) -> Flag | None:
    if reading.selling_parts < settings.hard_sell_min_parts:
        return None
    parts = tuple(
        Message(key, {"words": _quoted(words)})
        for key, words in (
            ("guard_part_offer", reading.offer),
            ("guard_part_call", reading.call),
            ("guard_part_urgency", reading.urgency),
        )
        if words
    )
    return Flag(HARD_SELL, Message("guard_hard_sell", {"parts": parts}), reading.selling_words)


def _praise(plain: str, langs: tuple[str, ...], brand: str, lists: GuardLists) -> tuple[str, ...]:
    """Praise words not negated just before ('not impressed', 'no me encanta')."""
    kept = [
        m
        for m in _matches(lists.pattern("praise", langs, brand), plain)
        if not _NEGATION.search(plain[max(0, m.start() - 20) : m.start()])
    ]
    return _words(kept)


def _tag_runs(plain: str, size: int) -> list[tuple[int, int, int]]:
    """(start, end, tags) of every run of at least `size` hashtags or mentions."""
    runs = []
    for run in _HASHTAG_RUN.finditer(plain):
        tags = len(re.findall(r"[#@][\w.]+", run.group(0)))
        if tags >= size:
            runs.append((run.start(), run.end(), tags))
    return runs


def _leads(plain: str, match: re.Match[str], run_start: int) -> bool:
    """Whether the tag opens the text (and its group of tags): the first thing a reader sees."""
    return match.start() == run_start and not plain[:run_start].strip()


def _disclosure(
    plain: str, langs: tuple[str, ...], brand: str, lists: GuardLists, settings: GuardSettings
) -> tuple[bool, list[Message], tuple[str, ...]]:
    """(clearly disclosed, why the disclosures found do not count, the words found)."""
    accepted = _matches(lists.pattern("accepted", langs, brand), plain)
    problems: list[Message] = []
    runs = _tag_runs(plain, settings.hashtag_cluster) if accepted else []
    for m in accepted:
        word = " ".join(m.group(0).split())
        run = next((r for r in runs if r[0] <= m.start() < r[1]), None)
        if m.start() >= settings.visible_chars:
            problems.append(
                Message("guard_disclosure_late", {"word": word, "chars": settings.visible_chars})
            )
        elif run is not None and m.group(0).startswith("#") and not _leads(plain, m, run[0]):
            problems.append(Message("guard_disclosure_hidden", {"word": word, "tags": run[2]}))
        else:
            return True, [], (word,)
    weak = _words(_matches(lists.pattern("insufficient", langs, brand), plain))
    if weak:
        problems.append(Message("guard_disclosure_weak", {"words": _quoted(weak)}))
    return False, problems, _words(accepted) + weak


def _undisclosed(
    plain: str,
    connection: str,
    brand: str,
    langs: tuple[str, ...],
    reading: _Reading,
    lists: GuardLists,
    settings: GuardSettings,
) -> Flag | None:
    if connection not in CONNECTED:
        return None
    mention = _brand_mention(brand)
    named = mention is not None and mention.search(plain) is not None
    aimed = named or (connection in NAMING_ENDORSES and _PRODUCT.search(plain) is not None)
    praise = _praise(plain, langs, brand, lists)
    if not aimed:
        praise = tuple(
            w for w in praise if connection in NAMING_ENDORSES and _AIMED_PRAISE.search(w)
        )
    promotion = _words(_matches(lists.pattern("promotion", langs, brand), plain))
    offer = reading.offer
    if connection == "employee" and _matches(lists.pattern("recruiting", langs, brand), plain):
        praise, offer = (), ()  # a job post: the team's praise and a job "offer" are no ad
    cues = tuple(dict.fromkeys(praise + promotion + offer + reading.call))
    if not cues and named:
        # A vague tag ("#partner", "thanks @brand") marks the post as about the relationship.
        cues = _words(_matches(lists.pattern("insufficient", langs, brand), plain))
    if (
        not cues
        and mention is not None
        and named
        and connection in NAMING_ENDORSES
        and not _matches(lists.pattern("complaint", langs, brand), plain)
    ):
        cues = _words(_matches(mention, plain))
    if not cues:
        return None
    disclosed, problems, disclosure_words = _disclosure(plain, langs, brand, lists, settings)
    if disclosed:
        return None
    params: dict[str, object] = {
        "connection": Message(f"guard_connection_{connection}"),
        "brand": brand if named else Message("guard_the_brand"),
        "words": _quoted(cues),
    }
    if problems:
        params["problems"] = tuple(problems)
    message = Message("guard_undisclosed_because" if problems else "guard_undisclosed", params)
    return Flag(UNDISCLOSED, message, tuple(dict.fromkeys(cues + disclosure_words)))


def ask_not_ready(
    text: str,
    readiness: Readiness | None,
    *,
    lang: str | None = None,
    lists: GuardLists | None = None,
) -> Flag | None:
    """The flag when the text asks a favour of a contact who is not ask-ready.

    `readiness` comes from the community (`contact_readiness`); None (no contact addressed)
    never flags."""
    if readiness is None or readiness.ready:
        return None
    lists = lists or _default_lists()
    plain = _plain(text)
    asks = _words(_matches(lists.pattern("asks", _languages(lang, lists), ""), plain))
    if not asks:
        return None
    why: object = "; ".join(readiness.reasons) or Message("guard_not_ask_ready")
    return Flag(
        ASK_NOT_READY, Message("guard_ask_not_ready", {"words": _quoted(asks), "why": why}), asks
    )


def check(
    text: str,
    *,
    brand: str,
    connection: str = "none",
    lang: str | None = None,
    settings: GuardSettings | None = None,
    lists: GuardLists | None = None,
    readiness: Readiness | None = None,
) -> Verdict:
    """The guard's verdict on one text: `block` on an undisclosed connection, `review` on any
    other flag, else `ok`. `readiness` is the addressed contact's (None: nobody in particular)."""
    if connection not in CONNECTIONS:
        raise ValueError(f"unknown connection {connection!r} (known: {', '.join(CONNECTIONS)})")
    settings = settings or GuardSettings()
    lists = lists or _default_lists()
    plain = _plain(text or "")
    langs = _languages(lang, lists)
    reading = _read_selling(plain, langs, brand, lists)
    flags = [
        flag
        for flag in (
            _undisclosed(plain, connection, brand, langs, reading, lists, settings),
            _hard_sell(reading, settings),
            ask_not_ready(text or "", readiness, lang=lang, lists=lists),
        )
        if flag is not None
    ]
    if any(f.name in BLOCKING for f in flags):
        return Verdict("block", tuple(flags))
    return Verdict("review" if flags else "ok", tuple(flags))


# ---------------------------------------------------------------------------------------------
# The community's readiness and the brand's promotional share


def contact_readiness(ctx: Context, contact_id: int) -> Readiness:
    """The community's ask-readiness of a contact (NotFound when there is no such contact)."""
    from escucha.community.views import show_contact

    record = show_contact(ctx, contact_id)
    return Readiness(bool(record["ready"]), tuple(record["reasons"]))


def is_promotional(
    text: str,
    *,
    brand: str = "",
    lang: str | None = None,
    lists: GuardLists | None = None,
) -> bool:
    """Whether a text promotes a sale at all: an offer, a purchase call or urgency."""
    lists = lists or _default_lists()
    return (
        _read_selling(_plain(text or ""), _languages(lang, lists), brand, lists).selling_parts > 0
    )


@dataclass(frozen=True)
class PromotionalShare:
    posts: int
    promotional: int
    share: float
    threshold: float
    window_days: int

    @property
    def warn(self) -> bool:
        return self.share > self.threshold


def promotional_share(
    posts: Iterable[tuple[datetime, str]],
    *,
    brand: str = "",
    now: datetime | None = None,
    settings: GuardSettings | None = None,
    lists: GuardLists | None = None,
) -> PromotionalShare:
    """The share of our published posts (time, text) in the window that are promotional."""
    settings = settings or GuardSettings()
    lists = lists or _default_lists()
    now = now or datetime.now(UTC)
    since = now - timedelta(days=settings.promotional_window_days)
    total = promotional = 0
    for published_at, text in posts:
        at = published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)
        if not since <= at <= now:
            continue
        total += 1
        promotional += is_promotional(text, brand=brand, lists=lists)
    share = promotional / total if total else 0.0
    return PromotionalShare(
        total, promotional, share, settings.promotional_share_max, settings.promotional_window_days
    )
