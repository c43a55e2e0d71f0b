"""Listening: file imports, configured sources and the collector; the posts they store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.data import import_
    from escucha.cli.listen import listen
    from escucha.cli.sources import sources_app

    cli.command("import")(import_)
    cli.add_typer(sources_app)
    cli.command("listen")(listen)


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import (
        authors,
        import_runs,
        post_engagement,
        post_versions,
        posts,
        raw_payloads,
        source_rejects,
        source_state,
    )

    return [
        import_runs,
        authors,
        posts,
        post_versions,
        post_engagement,
        raw_payloads,
        source_state,
        source_rejects,
    ]
