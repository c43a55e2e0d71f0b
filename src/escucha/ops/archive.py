"""`escucha backup` and `escucha restore`: a workspace in one archive file.

The archive (.tar.gz) holds `manifest.json` (escucha version, schema revision, when, the
database kind, the SHA-256 and size of every other member), the store (SQLite: a copy made
with SQLite's online backup API; PostgreSQL: a `pg_dump` custom-format dump of the store's
schema), `escucha.toml` and the files the workspace keeps (rejects of imports, reply
snippets, guard word lists). Never its secrets: `secrets.toml` and the environment stay out.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from escucha.config import CONFIG_FILE, Config, database_url, load_config
from escucha.core.context import REJECTS_DIR
from escucha.core.version import VERSION
from escucha.errors import UserError
from escucha.ops import postgres
from escucha.store import db

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "store/escucha.db"
POSTGRES_MEMBER = "store/postgresql.dump"
# What a workspace keeps beside its store (secrets.toml is never among them).
KEPT_FILES = (CONFIG_FILE, "snippets.toml")  # engage.snippets.SNIPPETS_FILE
KEPT_DIRS = (REJECTS_DIR, "guard")  # engage.guard.WORKSPACE_LISTS
CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    format: int
    escucha_version: str
    schema_revision: str
    created_at: str  # ISO 8601, UTC
    database: str  # "sqlite" or "postgresql"
    postgres_schema: str | None
    files: dict[str, dict[str, int | str]]  # member -> {"sha256": ..., "size": ...}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _kept_files(folder: Path) -> Iterator[tuple[str, Path]]:
    for name in KEPT_FILES:
        if (folder / name).is_file():
            yield name, folder / name
    for name in KEPT_DIRS:
        for path in sorted((folder / name).rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(folder).as_posix(), path


def sqlite_file(url: str) -> Path:
    """The file of a SQLite URL."""
    name = make_url(url).database
    if not name or name == ":memory:":
        raise UserError(f"{url}: not a SQLite file")
    return Path(name)


def _sqlite_copy(source: Path, dest: Path) -> None:
    """Copy a live SQLite database page by page with SQLite's online backup API."""
    src = sqlite3.connect(source)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def backup(folder: Path, config: Config, dest: Path) -> Manifest:
    """Write the workspace in `folder` (store, configuration, kept files) to the archive `dest`.

    The archive appears whole or not at all."""
    if dest.exists():
        raise UserError(f"{dest}: already exists; name a new file for the backup")
    if not dest.parent.is_dir():
        raise UserError(f"{dest.parent}: no such folder")
    url = database_url(folder, config)
    engine = db.make_engine(url)
    try:
        revision = db.current_revision(engine)
        if revision is None:
            raise UserError(f"{db.redacted_url(url)}: no escucha store to back up")
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".escucha-backup-") as tmp:
            staged = Path(tmp)
            members: list[tuple[str, Path]] = []
            pg_schema = None
            if engine.dialect.name == "sqlite":
                (staged / "store").mkdir()
                _sqlite_copy(sqlite_file(url), staged / SQLITE_MEMBER)
                members.append((SQLITE_MEMBER, staged / SQLITE_MEMBER))
            else:
                (staged / "store").mkdir()
                pg_schema = postgres.dump(url, engine, staged / POSTGRES_MEMBER)
                members.append((POSTGRES_MEMBER, staged / POSTGRES_MEMBER))
            members.extend(_kept_files(folder))
            manifest = Manifest(
                format=ARCHIVE_FORMAT,
                escucha_version=VERSION,
                schema_revision=revision,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                database=engine.dialect.name,
                postgres_schema=pg_schema,
                files={
                    name: {"sha256": _sha256(path), "size": path.stat().st_size}
                    for name, path in members
                },
            )
            partial = staged / "archive.tar.gz"
            with tarfile.open(partial, "w:gz") as tar:
                data = json.dumps(asdict(manifest), indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
            partial.replace(dest)
    finally:
        engine.dispose()
    return manifest


def _damaged(archive: Path, why: object) -> UserError:
    return UserError(f"{archive}: not a usable escucha backup (damaged or truncated: {why})")


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> Manifest:
    member = tar.extractfile(MANIFEST)
    if member is None:
        raise _damaged(archive, f"no {MANIFEST}")
    try:
        manifest = Manifest(**json.loads(member.read()))
    except (ValueError, TypeError) as exc:
        raise _damaged(archive, f"{MANIFEST}: {exc}") from None
    if manifest.format != ARCHIVE_FORMAT:
        raise UserError(
            f"{archive}: archive format {manifest.format} is not one this escucha reads"
        )
    return manifest


def _unpack(archive: Path, staged: Path) -> Manifest:
    """Extract and check every member against the manifest; refuse what does not match."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _read_manifest(tar, archive)
            if not db.known_revision(manifest.schema_revision):
                raise UserError(
                    f"{archive}: made by escucha {manifest.escucha_version} with schema "
                    f"{manifest.schema_revision}, newer than this escucha's "
                    f"{db.head_revision()}; upgrade escucha first"
                )
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in manifest.files or not member.isfile():
                    raise _damaged(archive, f"unexpected member {member.name!r}")
                tar.extract(member, staged, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _damaged(archive, exc) from None
    for name, expected in manifest.files.items():
        path = staged / name
        if not path.is_file():
            raise _damaged(archive, f"{name} is missing")
        if _sha256(path) != expected["sha256"] or path.stat().st_size != expected["size"]:
            raise _damaged(archive, f"{name} does not match its checksum")
    return manifest


def _check_empty(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{target}: not an empty folder; restore into a new or empty folder")


def restore(archive: Path, target: Path) -> Manifest:
    """Restore the archive into the empty folder `target` (created if missing).

    The store goes where the restored escucha.toml (or ESCUCHA_DATABASE_URL) points, which must
    hold no store yet; an archive from an older schema is migrated when the workspace opens."""
    if not archive.is_file():
        raise UserError(f"{archive}: no such file")
    _check_empty(target)
    target.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=target, prefix=".escucha-restore-") as tmp:
            staged = Path(tmp)
            manifest = _unpack(archive, staged)
            if not (staged / CONFIG_FILE).is_file():
                raise _damaged(archive, f"no {CONFIG_FILE}")
            url = database_url(target, load_config(staged))
            _restore_store(manifest, staged, url, archive)
            for name in manifest.files:
                if name.startswith("store/"):
                    continue
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(staged / name, target / name)
    except BaseException:
        for child in target.iterdir():  # the folder was empty: leave it so
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return manifest


def _restore_store(manifest: Manifest, staged: Path, url: str, archive: Path) -> None:
    engine = db.make_engine(url)
    try:
        if engine.dialect.name != manifest.database:
            raise UserError(
                f"{archive}: holds a {manifest.database} store but the target uses "
                f"{engine.dialect.name} ({db.redacted_url(url)}); "
                "restore there and use 'escucha migrate-store' to move it"
            )
        if engine.dialect.name == "sqlite":
            dest = sqlite_file(url)
            if dest.exists() and dest.stat().st_size:
                raise UserError(f"{dest}: a store is already there; restore into an empty one")
            _sqlite_copy(staged / SQLITE_MEMBER, dest)
            return
        schema = manifest.postgres_schema or "public"
        target_schema = postgres.store_schema(engine)
        if target_schema != schema:
            raise UserError(
                f"{archive}: holds PostgreSQL schema {schema!r} but {db.redacted_url(url)} "
                f"uses {target_schema!r}; point the search path at {schema!r}"
            )
        if db.table_names(engine):
            raise UserError(
                f"{db.redacted_url(url)}: schema {schema!r} already holds tables; "
                "restore into an empty database"
            )
        postgres.restore(url, engine, staged / POSTGRES_MEMBER, schema)
    finally:
        engine.dispose()
