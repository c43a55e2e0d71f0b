"""`escucha import`: stream a file into the store, idempotently, with a rejects file."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from escucha.core.items import MAX_TEXT_CHARS, Item, Rejected, has_secret_key
from escucha.core.version import VERSION
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.files import SourceFile
from escucha.store.writer import finish_run, start_run, store_batch

BATCH_SIZE = 5000
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
) -> Item:
    """Normalise one record; ValueError names the field that is wrong."""
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
            raise ValueError(f"column {mapping['created']!r}: {exc}") from None

    def optional(fld: str, limit: int = 255) -> str | None:
        value = _text_of(record.get(mapping[fld])).strip() if fld in mapping else ""
        return value[:limit] or None

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
    )


def source_name_for(path: Path) -> str:
    stem = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".txt", ".parquet"):
        stem = stem.removesuffix(suffix)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-").lower() or "import"


def import_file(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    url_template: str | None = None,
    rejects_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one file; every row is accepted, counted as a duplicate, or rejected.

    Rejected rows are kept in the store and written to a rejects file beside it. Each batch
    (posts, authors, rejects and the run's counts) commits in one transaction, so an import
    killed half-way leaves whole batches behind and re-running it stores the rest.
    """
    if url_template is not None and (
        "{id}" not in url_template or not url_template.startswith(("https://", "http://"))
    ):
        raise UserError("--url-template must be an http(s) URL containing {id}")
    src = SourceFile(path)
    source = source or source_name_for(path)
    if len(source) > 64:
        raise UserError(f"--source: the name is longer than 64 characters: {source[:64]}...")
    explicit = dict(mapping or {})
    run_id = start_run(engine, source, str(path.resolve()), f"escucha {VERSION} {src.format}")
    result = ImportResult(run_id, source, str(path))
    rejects_dir.mkdir(parents=True, exist_ok=True)
    rejects_path = rejects_dir / f"{source}.run{run_id}.rejects.jsonl"
    rejects_file = None
    fetched_at = datetime.now(UTC)
    batch: list[Item] = []
    batch_rejects: list[Rejected] = []
    known_authors: dict = {}
    resolved: dict[str, str] | None = None

    def reject(line: int, rejected: Rejected) -> None:
        nonlocal rejects_file
        if rejects_file is None:
            rejects_file = rejects_path.open("w", encoding="utf-8")
        raw = rejected.raw
        shown = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        entry = {"line": line, "reason": rejected.reason, "record": shown[:2000]}
        rejects_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        batch_rejects.append(rejected)

    def flush() -> None:
        nonlocal batch, batch_rejects
        new = store_batch(engine, source, run_id, batch, batch_rejects, None, known_authors)
        result.accepted += new
        result.duplicate += len(batch) - new
        result.rejected += len(batch_rejects)
        batch, batch_rejects = [], []
        if rejects_file is not None:
            rejects_file.flush()
        if progress:
            progress(src.bytes_read, src.size)

    try:
        for line, record in src.records():
            if isinstance(record, Rejected):
                reject(line, record)
            else:
                if resolved is None:
                    columns = [c for c in record if c != "__raw_line__"]
                    resolved = guess_mapping(columns, explicit)
                    missing = [c for c in explicit.values() if c not in columns]
                    if missing:
                        raise UserError(
                            f"{path}: --map names column {missing[0]!r}, which the file does "
                            f"not have (columns: {', '.join(columns)})"
                        )
                    if "text" not in resolved:
                        raise UserError(
                            f"{path}: no text column among {', '.join(columns)}; "
                            "name it with --map text=COLUMN"
                        )
                    result.mapping = resolved
                try:
                    batch.append(record_to_item(record, resolved, source, fetched_at, url_template))
                except ValueError as exc:
                    record.pop("__raw_line__", None)
                    reject(line, Rejected(f"line {line}", str(exc), record, line))
            if len(batch) + len(batch_rejects) >= BATCH_SIZE:
                flush()
        flush()
        if resolved is None and result.rejected == 0:
            raise UserError(f"{path}: the file has a header but no rows")
    except BaseException as exc:
        message = str(exc) or type(exc).__name__
        finish_run(engine, run_id, "failed", message=message[:500])
        raise
    finally:
        if rejects_file is not None:
            rejects_file.close()
        src.close()
    result.rejects_path = str(rejects_path) if result.rejected else None
    finish_run(engine, run_id, "done", rejects_path=result.rejects_path)
    return result
