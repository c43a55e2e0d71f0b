"""The `escucha surveys` command group; the modules of its commands attach them to it."""

from __future__ import annotations

import typer

surveys_app = typer.Typer(
    name="surveys",
    help="Surveys: ask the community, weight the answers, estimate.",
    no_args_is_help=True,
)
