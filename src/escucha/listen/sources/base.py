"""The connector pattern: a `Source` yields `Page`s of items and rejects, each with its cursor.

A kind declares what it can collect (`categories`) and may read profiles (`profile`); kinds
that can publish also implement `listen.sources.writing.Publisher`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from typing import Any, ClassVar

from escucha.config import SourceConfig
from escucha.core.items import MAX_TEXT_CHARS, Deletion, Item, Rejected
from escucha.core.version import VERSION as escucha_version
from escucha.errors import UserError
from escucha.listen.http import STREAM_SCHEMES, WEB_SCHEMES, HttpOptions, check_url


@dataclass(frozen=True, slots=True)
class Categories:
    """What a kind can collect, each with the options that select it (None: not offered).

    Profiles are read on demand (`Source.profile`), so they have no option.
    """

    posts: tuple[str, ...] = ()
    mentions: tuple[str, ...] | None = None
    profiles: bool = False

    def offered(self) -> tuple[str, ...]:
        """The categories' names: posts, mentions, profiles."""
        names = ["posts"] if self.posts else []
        names += ["mentions"] if self.mentions is not None else []
        return (*names, "profiles") if self.profiles else tuple(names)


@dataclass(frozen=True, slots=True)
class Profile:
    """An account as its platform describes it; (platform, instance, account_id) identify it."""

    platform: str
    instance: str
    account_id: str
    handle: str
    display_name: str | None = None
    followers: int | None = None
    profile_url: str | None = None


@dataclass(slots=True)
class Page:
    """One unit of work: stored in one transaction together with its cursor.

    `edits` are posts as their author changed them (a stored post's text is replaced and its
    previous text kept in its history; an unknown one is stored as new); `deletions` name
    posts deleted on the platform (their text is removed, a tombstone stays).
    """

    items: list[Item] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    edits: list[Item] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)


# Options every kind reads as numbers or as true/false (listen.http.HttpOptions and the rest).
COMMON_NUMBERS = (
    "interval",
    "timeout",
    "max_bytes",
    "max_redirects",
    "max_retries",
    "backoff_base",
    "backoff_cap",
    "max_wait",
    "request_budget",
    "backfill_pages",
)
COMMON_FLAGS = ("allow_private_networks",)


class InvalidRecord(ValueError):
    """Raised while converting one record: the record is rejected, the page goes on."""


class Source(ABC):
    """A listening connector. Subclasses set `kind`, `coverage` and the option names."""

    kind: ClassVar[str]
    coverage: ClassVar[str]
    target_option: ClassVar[str]  # the option `escucha sources add KIND TARGET` fills
    required_options: ClassVar[tuple[str, ...]] = ()
    credential_keys: ClassVar[tuple[str, ...]] = ()  # read from ESCUCHA_<NAME>_<KEY>
    categories: ClassVar[Categories] = Categories()
    sdk: ClassVar[str | None] = None  # the distribution the connector is built on, if any
    # How `sources add -o KEY=VALUE` types a value; any other option stays text (q=737 too).
    number_options: ClassVar[tuple[str, ...]] = ()
    flag_options: ClassVar[tuple[str, ...]] = ()
    list_options: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        config: SourceConfig,
        credentials: Mapping[str, str] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        missing = [k for k in self.required_options if not config.options.get(k)]
        if missing:
            raise UserError(
                f"source {config.name!r} ({self.kind}): missing option(s) {', '.join(missing)}"
            )
        for key, value in config.options.items():  # `url` and `*_url` options are URLs
            if key == "url" or key.endswith("_url"):
                schemes = STREAM_SCHEMES if "stream" in key else WEB_SCHEMES
                check_url(str(value), f"source {config.name!r} ({self.kind}) {key}", schemes)
        self.config = config
        self.name = config.name
        self.options = config.options
        self.credentials = dict(credentials or {})
        self.sleep = sleep
        self.http_options = HttpOptions.from_options(config.options)

    @classmethod
    def option_value(cls, key: str, text: str) -> Any:
        """An option given as text (`sources add`), typed as the kind declares it: a number,
        true/false, a list (comma-separated), else the text itself."""
        if key in (*COMMON_NUMBERS, *cls.number_options):
            for kind in (int, float):
                try:
                    return kind(text)
                except ValueError:
                    pass
            raise UserError(f"--option {key}: expected a number, got {text!r}")
        if key in (*COMMON_FLAGS, *cls.flag_options):
            if text.lower() not in ("true", "false"):
                raise UserError(f"--option {key}: expected true or false, got {text!r}")
            return text.lower() == "true"
        if key in cls.list_options:
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    @property
    def platform(self) -> str:
        """The network the source reads; authors are identified per platform."""
        return self.kind

    @property
    def instance(self) -> str:
        """The server of a federated platform whose account ids are local to it; else ""."""
        return ""

    @property
    def version(self) -> str:
        """The connector's version (and its SDK's), recorded with every run it makes."""
        if self.sdk is None:
            return f"escucha {escucha_version}"
        try:
            sdk_version = dist_version(self.sdk)
        except PackageNotFoundError:
            sdk_version = "not installed"
        return f"escucha {escucha_version}; {self.sdk} {sdk_version}"

    @property
    def location(self) -> str:
        """What the source reads, for run records and messages; never holds credentials."""
        return str(self.options.get(self.target_option, ""))

    @abstractmethod
    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages from `cursor` on (None: the first run), until nothing new is left."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the collector calls it once the run ends."""

    def profile(self, account: str) -> Profile:
        """The platform's record of an account (a handle or username); kinds override it."""
        raise UserError(f"source {self.name!r} ({self.kind}) cannot read profiles")

    def item(self, native_id: object, text: str | None, raw: dict, **fields: Any) -> Item:
        """Build an item, or raise InvalidRecord naming what is wrong with the record."""
        if native_id is None or str(native_id).strip() == "":
            raise InvalidRecord("record has no id")
        text = (text or "").strip()
        if not text:
            raise InvalidRecord("record has no text")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidRecord(f"text longer than {MAX_TEXT_CHARS:,} characters")
        native = str(native_id)
        if len(native) > 255:
            raise InvalidRecord("id longer than 255 characters")
        for key in ("author", "author_name", "author_id", "parent_id", "root_id"):
            if fields.get(key) is not None:
                fields[key] = str(fields[key])[:255]
        return Item(
            source=self.name,
            native_id=native,
            text=text,
            fetched_at=datetime.now(UTC),
            platform=self.platform,
            instance=self.instance,
            raw=raw,
            **fields,
        )


TEXT_FROM_ALT = "escucha_text_from_alt"  # payload flag: the text is the media's alt text


def alt_text(descriptions: Iterable[object]) -> str:
    """The alt texts of a post's media, one per line: the text of a media-only post."""
    return "\n".join(str(d).strip() for d in descriptions if d and str(d).strip())


def option_list(options: Mapping[str, Any], key: str) -> list[str]:
    """A list option written either as a TOML list or as one comma-separated string."""
    value = options.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]  # `hashtags = 2024` in a hand-written file
    if not isinstance(value, list):
        raise UserError(f"source option '{key}' must be a list or a comma-separated string")
    return [str(v).strip() for v in value if str(v).strip()]


def newest_first(
    fetch: Callable[[str | None, str | None], list],
    state: dict | None,
    id_of: Callable[[Any], Any],
    backfill_pages: int,
) -> Iterator[tuple[list, dict]]:
    """Page through a newest-first listing down to the last sweep's top, resumably.

    `fetch(since_id, max_id)` returns one page. The state saved with each page says where the
    sweep stands; `since` only moves to the sweep's top once the sweep has reached the bottom,
    so a crash mid-sweep never skips the older pages. A first sweep stops after
    `backfill_pages`.
    """
    state = dict(state or {})
    since, top = state.get("since"), state.get("top")
    max_id, pages = state.get("max_id"), int(state.get("pages", 0))
    while True:
        batch = fetch(since, max_id)
        ids = [int(id_of(x)) for x in batch]
        if ids:
            top = str(max(int(top or 0), *ids))
            max_id = str(min(ids))
        pages += 1
        done = not ids or (since is None and pages >= backfill_pages)
        if done:
            yield batch, {"since": top or since}
            return
        yield batch, {"since": since, "top": top, "max_id": max_id, "pages": pages}
