"""`escucha backup`, `restore`, `upgrade` and `migrate-store` (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of


def _folder(ctx: typer.Context) -> Path:
    """The workspace folder, without opening (and so migrating) its store."""
    from escucha.workspace import find_workspace

    return find_workspace((ctx.obj or {}).get("workspace"))


def backup(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="The archive to write (e.g. ws.tar.gz).")],
) -> None:
    """Back the workspace up into one file: store, escucha.toml, kept files (no secrets)."""
    from escucha.config import load_config
    from escucha.ops.archive import backup as write_backup

    folder = _folder(ctx)
    manifest = write_backup(folder, load_config(folder), dest)
    typer.echo(
        f"backed up {folder} ({manifest.database}, schema {manifest.schema_revision}, "
        f"{len(manifest.files)} files) to {dest}"
    )


def restore(
    ctx: typer.Context,
    archive: Annotated[Path, typer.Argument(help="An archive written by 'escucha backup'.")],
    target: Annotated[
        Path | None,
        typer.Argument(help="An empty folder (default: --workspace or the current folder)."),
    ] = None,
) -> None:
    """Restore a backup into an empty folder (and an empty database)."""
    from escucha.ops.archive import restore as read_backup

    folder = target or (ctx.obj or {}).get("workspace") or Path.cwd()
    manifest = read_backup(archive, Path(folder))
    typer.echo(
        f"restored {archive} (escucha {manifest.escucha_version}, schema "
        f"{manifest.schema_revision}, made {manifest.created_at}) into {folder}"
    )


def upgrade(
    ctx: typer.Context,
    backup_to: Annotated[
        Path | None,
        typer.Option("--backup", help="Where to write the backup (default: backups/ inside)."),
    ] = None,
) -> None:
    """Back the store up, then bring it to this escucha's schema."""
    from escucha.config import load_config
    from escucha.ops.upgrade import upgrade as run_upgrade

    folder = _folder(ctx)
    done = run_upgrade(folder, load_config(folder), backup_to)
    if done.from_revision == done.to_revision:
        typer.echo(f"the store is already at schema {done.to_revision}; nothing to do")
        return
    saved = f" (backup: {done.backup})" if done.backup else ""
    typer.echo(f"upgraded the store from schema {done.from_revision} to {done.to_revision}{saved}")


def migrate_store(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The empty target: postgresql://user@host/db or sqlite:///path.db."
        ),
    ],
) -> None:
    """Copy the workspace's store into another, empty database (same ids)."""
    from escucha.ops.move import migrate_store as move

    workspace = workspace_of(ctx)
    moved = move(workspace.engine, to)
    typer.echo(
        f"copied {sum(moved.rows.values()):,} rows in {len(moved.rows)} tables to {moved.target}"
    )
    typer.echo("to use it, set database_url in escucha.toml (or ESCUCHA_DATABASE_URL) to that URL")
