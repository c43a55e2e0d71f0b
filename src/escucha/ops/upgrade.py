"""`escucha upgrade`: a backup first, then the store's migrations up to this escucha's head."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from escucha.config import Config, database_url
from escucha.errors import UserError
from escucha.ops.archive import backup
from escucha.store import db

BACKUPS_DIR = "backups"


@dataclass(frozen=True)
class Upgrade:
    from_revision: str | None
    to_revision: str | None
    backup: Path | None  # None: the store was already at head, nothing was changed


def default_backup_path(folder: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / BACKUPS_DIR / f"escucha-{revision}-{stamp}.tar.gz"


def upgrade(folder: Path, config: Config, backup_to: Path | None = None) -> Upgrade:
    """Back the store up (to `backup_to`, by default `backups/` in the workspace), then run
    the migrations to head. A store from a newer escucha is refused, untouched."""
    engine = db.make_engine(database_url(folder, config))
    try:
        current, head = db.current_revision(engine), db.head_revision()
        if current is not None and not db.known_revision(current):
            raise UserError(
                f"the store is at schema {current}, newer than this escucha's {head}; "
                "install the escucha that wrote it"
            )
        if current == head:
            return Upgrade(current, head, None)
        saved = None
        if current is not None:
            saved = backup_to or default_backup_path(folder, current)
            saved.parent.mkdir(parents=True, exist_ok=True)
            backup(folder, config, saved)
        db.migrate(engine)
        return Upgrade(current, db.current_revision(engine), saved)
    finally:
        engine.dispose()
