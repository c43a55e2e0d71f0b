"""Research: `escucha surveys` (definitions, XLSForm in and out) and the survey tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """Attach the definition commands to `surveys` (features/research_stats adds the group)."""
    import escucha.cli.surveys  # noqa: F401  (its commands attach to surveys_app)


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import research

    return research.TABLES
