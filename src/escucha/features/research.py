"""Research: `escucha surveys` (definitions, XLSForm in and out) and the survey tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """Attach the definition commands to `surveys` (features/research_stats adds the group)."""
    import escucha.cli.surveys
    import escucha.cli.surveys_results  # noqa: F401


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import research

    return research.TABLES


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    """The analysis's AAPOR statement and the results post's sentences."""
    from escucha.research.strings import STRINGS

    return STRINGS
