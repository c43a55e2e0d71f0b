"""Operating a workspace: `escucha backup`, `restore`, `upgrade` and `migrate-store`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.operations import backup, migrate_store, restore, upgrade

    cli.command()(backup)
    cli.command()(restore)
    cli.command()(upgrade)
    cli.command("migrate-store")(migrate_store)
