"""`escucha import`: stream a file into the store, idempotently, with a rejects file."""

from __future__ import annotations

import hashlib
import html
import json
import re
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from escucha.core.items import MAX_TEXT_CHARS, Item, Rejected, count, has_secret_key
from escucha.core.version import VERSION
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.files import (
    DEFAULT_MAX_LINE_BYTES,
    SHOWN_CHARS,
    ReadError,
    SourceFile,
)
from escucha.store.writer import finish_run, start_run, store_batch

COUNTS = ("followers", "likes", "reposts", "replies", "score")  # reach and engagement
BATCH_SIZE = 5000
BATCH_CHARS = 32 * 1024 * 1024  # a batch of long rows is written sooner: memory stays flat
FIELDS = (
    "text",
    "id",
    "created",
    "author",
    "author_name",
    "platform",
    "url",
    "lang",
    "parent",
    "root",
    *COUNTS,
)

# Column names seen in exports from the common platforms and tools, in order of preference.
COLUMN_GUESSES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "full_text",
        "content",
        "body",
        "message",
        "tweet",
        "post",
        "comment",
        "selftext",
        "texto",
        "mensaje",
        "contenido",
        "comentario",
    ),
    "id": (
        "id",
        "native_id",
        "tweet_id",
        "post_id",
        "status_id",
        "message_id",
        "comment_id",
        "id_str",
        "uuid",
        "guid",
    ),
    "created": (
        "created_at",
        "created",
        "date",
        "datetime",
        "timestamp",
        "time",
        "published",
        "published_at",
        "tweet_created",
        "created_utc",
        "fecha",
    ),
    "author": (
        "author",
        "username",
        "user",
        "screen_name",
        "handle",
        "user_name",
        "user_screen_name",
        "author_handle",
        "autor",
        "usuario",
    ),
    "author_name": ("author_name", "display_name", "name", "user_display_name", "nombre"),
    "platform": ("platform", "network", "social_network", "plataforma", "red_social"),
    "url": ("url", "link", "permalink", "href", "uri"),
    "lang": ("lang", "language", "idioma"),
    "parent": ("parent_id", "in_reply_to_status_id", "in_reply_to_id", "in_reply_to", "reply_to"),
    "root": ("root_id", "conversation_id", "thread_id", "link_id"),
    "followers": (
        "followers",
        "followers_count",
        "user_followers_count",
        "author_followers",
        "user_followers",
        "seguidores",
    ),
    "likes": (
        "likes",
        "like_count",
        "likes_count",
        "favorite_count",
        "favourites_count",
        "favorites_count",
        "favorites",
        "favourites",
        "me_gusta",
    ),
    "reposts": (
        "reposts",
        "repost_count",
        "retweet_count",
        "retweets",
        "reblogs_count",
        "boosts",
        "shares",
        "share_count",
        "shares_count",
        "retuits",
        "compartidos",
    ),
    "replies": (
        "replies",
        "reply_count",
        "replies_count",
        "num_comments",
        "comments_count",
        "respuestas",
    ),
    "score": ("score", "puntuacion"),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "_", name.strip().lower())


def guess_mapping(columns: list[str], explicit: Mapping[str, str]) -> dict[str, str]:
    """Our field -> the file's column, from `explicit` first, then from common names."""
    unknown = set(explicit) - set(FIELDS)
    if unknown:
        raise UserError(
            f"--map: unknown field {sorted(unknown)[0]!r}; fields are {', '.join(FIELDS)}"
        )
    mapping = dict(explicit)
    by_norm = {_norm(c): c for c in columns}
    taken = set(mapping.values())
    for fld, guesses in COLUMN_GUESSES.items():
        if fld in mapping:
            continue
        for guess in guesses:
            column = by_norm.get(guess)
            if column is not None and column not in taken:
                mapping[fld] = column
                taken.add(column)
                break
    return mapping


@dataclass
class ImportResult:
    run_id: int
    source: str
    path: str
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    replaced: int = 0  # NULs and lone surrogates replaced by U+FFFD
    undated: int = 0  # accepted rows whose date could not be read: kept without a date
    uncounted: int = 0  # accepted rows with a count that is not a whole number: kept without it
    unmapped: dict[str, int] = field(default_factory=dict)  # column -> rows it was in
    warnings: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.accepted + self.duplicate + self.rejected


def _text_of(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _content_id(record: Mapping, mapping: Mapping[str, str]) -> str:
    """Without an id column, a post is identified by its author, date and text."""
    key = "\x1f".join(_text_of(record.get(mapping.get(f, ""))) for f in ("author", "created"))
    key += "\x1f" + _text_of(record.get(mapping["text"]))
    return "sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()


def record_to_item(
    record: dict,
    mapping: Mapping[str, str],
    source: str,
    fetched_at: datetime,
    url_template: str | None = None,
    bad_date: Callable[[str], None] | None = None,
    bad_count: Callable[[str], None] | None = None,
) -> Item:
    """Normalise one record; ValueError names the field that is wrong. An unreadable date is
    one too, unless `bad_date` is given: then it is told the reason and the post has no date.
    An unreadable count (followers, likes...) is kept as unknown, and `bad_count` told why."""
    raw_line = record.pop("__raw_line__", None)
    text = html.unescape(_text_of(record.get(mapping["text"]))).strip()  # &amp; as in tweets
    if not text:
        raise ValueError(f"empty text in column {mapping['text']!r}")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(
            f"text in column {mapping['text']!r} is {len(text):,} characters "
            f"(limit {MAX_TEXT_CHARS:,})"
        )
    if "id" in mapping:
        native_id = _text_of(record.get(mapping["id"])).strip()
        if not native_id:
            raise ValueError(f"empty id in column {mapping['id']!r}")
        if len(native_id) > 255:
            raise ValueError(f"id in column {mapping['id']!r} is longer than 255 characters")
    else:
        native_id = _content_id(record, mapping)
    created = None
    if "created" in mapping:
        try:
            created = parse_date(record.get(mapping["created"]))
        except ValueError as exc:
            reason = f"column {mapping['created']!r}: {exc}"
            if bad_date is None:
                raise ValueError(reason) from None
            bad_date(reason)

    def optional(fld: str, limit: int = 255) -> str | None:
        value = _text_of(record.get(mapping[fld])).strip() if fld in mapping else ""
        return value[:limit] or None

    counts: dict[str, int | None] = {}
    for fld in COUNTS:
        if fld not in mapping:
            continue
        value = record.get(mapping[fld])
        counts[fld] = count(value, negative=fld == "score")
        if counts[fld] is None and bad_count is not None and _text_of(value).strip():
            bad_count(f"column {mapping[fld]!r}: {_text_of(value)[:40]!r} is not a count")
    author = optional("author")
    platform = optional("platform", 64)
    clean_line = raw_line if raw_line is not None and not has_secret_key(record) else None
    return Item(
        source=source,
        native_id=native_id,
        text=text,
        fetched_at=fetched_at,
        created_at=created,
        author=author.lstrip("@") if author else None,
        author_name=optional("author_name"),
        platform=platform.lower() if platform else source,
        url=optional("url", 2000) or (url_template.format(id=native_id) if url_template else None),
        lang=optional("lang", 16),
        parent_id=optional("parent"),
        root_id=optional("root"),
        raw=None if clean_line is not None else record,
        raw_text=clean_line,
        **counts,
    )


def source_name_for(path: Path) -> str:
    stem = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".txt", ".parquet"):
        stem = stem.removesuffix(suffix)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.").lower() or "import"


_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_source_name(name: str) -> str:
    """A source name is a slug: it names the rejects file, which must stay in the workspace."""
    if not _SOURCE_NAME.fullmatch(name) or ".." in name:
        raise UserError(
            f"--source {name[:64]!r}: use up to 64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit"
        )
    return name


class ImportStopped(UserError):
    """SIGTERM arrived during an import; the run is marked interrupted."""


@contextmanager
def _sigterm_stops_import(path: Path) -> Iterator[None]:
    """Turn SIGTERM into `ImportStopped` while importing (main thread only: elsewhere the
    process's own handler stays, and a killed run is found by its status)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise ImportStopped(
            f"{path}: the import was stopped (SIGTERM); whole batches were kept, "
            "run it again to import the rest"
        )

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(slots=True)
class _Columns:
    """One set of column names seen in the file: its mapping (None without a text column),
    the columns that map to nothing, and how many rows had exactly this set."""

    mapping: dict[str, str] | None
    unmapped: tuple[str, ...]
    rows: int = 0


MAX_COLUMN_SETS = 10_000  # sets of columns remembered at once (JSON keys can vary per row)
MAX_UNMAPPED_NAMES = 1_000  # unmapped column names reported; the rest are summed
OTHER_COLUMNS = "(other columns)"


class _Mapper:
    """Our fields for each record, guessed from the record's own columns (cached per set of
    columns), so a JSON Lines field that first appears on a later row is still imported; the
    columns that map to nothing are counted per name. Memory is bounded however many
    different keys a file's records have."""

    def __init__(self, explicit: Mapping[str, str], src: SourceFile) -> None:
        self._explicit = explicit
        self._src = src
        self.known: dict[tuple, _Columns] = {}
        self._counts: Counter[str] = Counter()  # unmapped columns of the sets no longer known
        self.first: dict[str, str] | None = None
        self.seen: set[str] = set()  # the --map columns some record had

    def _columns_shown(self, columns: list[str]) -> str:
        if self._src.is_link:  # never echo a symlink target's content (it may be any file)
            return "the file's columns (not shown: the path is a symlink)"
        return ", ".join(columns)[:500]

    def learn(self, key: tuple) -> _Columns:
        """Map a set of columns not seen before; the first decides whether the file can be
        read at all (a --map to a missing column, no text column: one error, nothing stored)."""
        if len(self.known) >= MAX_COLUMN_SETS:
            self._fold()
        columns = [c for c in key if c != "__raw_line__"]
        resolved = guess_mapping(columns, self._explicit)
        if self.first is None:
            missing = [c for c in self._explicit.values() if c not in columns]
            if missing and self._src.format != "jsonl":
                raise UserError(
                    f"{self._src.path}: --map names column {missing[0]!r}, which the file does "
                    f"not have (columns: {self._columns_shown(columns)})"
                )
            if "text" not in resolved:
                raise UserError(
                    f"{self._src.path}: no text column among {self._columns_shown(columns)}; "
                    "name it with --map text=COLUMN"
                )
            self.first = resolved
        self.seen.update(c for c in self._explicit.values() if c in columns)
        used = set(resolved.values())
        entry = _Columns(
            resolved if "text" in resolved else None, tuple(c for c in columns if c not in used)
        )
        self.known[key] = entry
        return entry

    def _fold(self) -> None:
        """Move the known sets' unmapped counts into `_counts` and forget the sets."""
        for entry in self.known.values():
            for column in entry.unmapped:
                self._counts[column] += entry.rows
        self.known.clear()
        if len(self._counts) > MAX_UNMAPPED_NAMES:
            other = self._counts.pop(OTHER_COLUMNS, 0)
            ranked = self._counts.most_common()
            kept = MAX_UNMAPPED_NAMES - 1
            self._counts = Counter(dict(ranked[:kept]))
            self._counts[OTHER_COLUMNS] = other + sum(rows for _, rows in ranked[kept:])

    def unmapped(self) -> dict[str, int]:
        self._fold()
        return dict(self._counts.most_common())


def import_file(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    url_template: str | None = None,
    rejects_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> ImportResult:
    """Import one file; every row is accepted, counted as a duplicate, or rejected.

    Rejected rows are kept in the store and written to a rejects file beside it. Each batch
    (posts, authors, rejects and the run's counts) commits in one transaction, so an import
    killed half-way leaves whole batches behind and re-running it stores the rest. A file
    that stops being readable part-way (a truncated .gz) keeps the rows read before it.
    """
    if url_template is not None and (
        "{id}" not in url_template or not url_template.startswith(("https://", "http://"))
    ):
        raise UserError("--url-template must be an http(s) URL containing {id}")
    source = check_source_name(source) if source is not None else source_name_for(path)
    src = SourceFile(path, max_line_bytes)
    explicit = dict(mapping or {})
    guess_mapping([], explicit)  # an unknown field is an error before anything is stored
    run_id = start_run(engine, source, str(path.resolve()), f"escucha {VERSION} {src.format}")
    result = ImportResult(run_id, source, str(path))
    rejects_dir.mkdir(parents=True, exist_ok=True)
    rejects_path = rejects_dir / f"{source}.run{run_id}.rejects.jsonl"
    rejects_file = None
    fetched_at = datetime.now(UTC)
    batch: list[Item] = []
    batch_rejects: list[Rejected] = []
    batch_size = 0  # characters held by the batch
    known_authors: dict = {}
    mapper = _Mapper(explicit, src)

    def reject(line: int, rejected: Rejected) -> None:
        nonlocal rejects_file
        if rejects_file is None:
            rejects_file = rejects_path.open("w", encoding="utf-8", errors="backslashreplace")
        raw = rejected.raw
        shown = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        entry = {"line": line, "reason": rejected.reason, "record": shown[:SHOWN_CHARS]}
        rejects_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        batch_rejects.append(rejected)

    def flush() -> None:
        nonlocal batch, batch_rejects, batch_size
        new = store_batch(engine, source, run_id, batch, batch_rejects, None, known_authors)
        result.accepted += new
        result.duplicate += len(batch) - new
        result.rejected += len(batch_rejects)
        batch, batch_rejects, batch_size = [], [], 0
        if rejects_file is not None:
            rejects_file.flush()
        if progress:
            progress(src.bytes_read, src.size)

    def undated(line: int, reason: str) -> None:
        if not result.undated:
            result.warnings.append(f"line {line}: {reason}; kept without a date")
        result.undated += 1

    def uncounted(line: int, reason: str) -> None:
        if not result.uncounted:
            result.warnings.append(f"line {line}: {reason}; kept without that count")
        result.uncounted += 1

    def no_text(line: int, record: dict) -> None:
        record.pop("__raw_line__", None)
        columns = ", ".join(str(c) for c in list(record)[:20])
        reject(
            line, Rejected(f"line {line}", f"no text column among {columns[:300]}", record, line)
        )

    known = mapper.known
    try:
        with _sigterm_stops_import(path):
            try:
                for line, record in src.records():
                    if isinstance(record, Rejected):
                        reject(line, record)
                    else:
                        key = tuple(record)
                        columns = known.get(key) or mapper.learn(key)
                        columns.rows += 1
                        if columns.mapping is None:
                            no_text(line, record)
                        else:
                            try:
                                batch.append(
                                    record_to_item(
                                        record,
                                        columns.mapping,
                                        source,
                                        fetched_at,
                                        url_template,
                                        partial(undated, line),
                                        partial(uncounted, line),
                                    )
                                )
                            except ValueError as exc:
                                record.pop("__raw_line__", None)
                                reject(line, Rejected(f"line {line}", str(exc), record, line))
                    batch_size += src.last_size
                    if len(batch) + len(batch_rejects) >= BATCH_SIZE or batch_size >= BATCH_CHARS:
                        flush()
            except ReadError:
                flush()  # the rows read before the file broke off are good: keep them
                raise
            flush()
        if mapper.first is None and result.rejected == 0:
            raise UserError(f"{path}: the file has a header but no rows")
    except BaseException as exc:
        message = str(exc) or type(exc).__name__
        stopped = isinstance(exc, (ImportStopped, KeyboardInterrupt))
        finish_run(engine, run_id, "interrupted" if stopped else "failed", message=message[:500])
        raise
    finally:
        if rejects_file is not None:
            rejects_file.close()
        src.close()
    result.mapping = {**(mapper.first or {})}
    result.replaced = src.replaced
    result.unmapped = mapper.unmapped()
    never = sorted({c for c in explicit.values() if c not in mapper.seen})
    if never:
        result.warnings.append(f"--map names column {never[0]!r}, which no record had")
    result.rejects_path = str(rejects_path) if result.rejected else None
    finish_run(engine, run_id, "done", rejects_path=result.rejects_path)
    return result
