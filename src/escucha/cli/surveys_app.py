"""The `escucha surveys` command group; the modules of its commands attach them to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from escucha.i18n import Catalogue
    from escucha.workspace import Workspace

surveys_app = typer.Typer(
    name="surveys",
    help="Surveys: ask the community, weight the answers, estimate.",
    no_args_is_help=True,
)


def words(workspace: Workspace) -> Catalogue:
    """The catalogue the survey commands print in: the workspace's first UI language (as
    the report), English when it has none."""
    from escucha.i18n import catalogue, first_supported

    return catalogue(first_supported(workspace.config.languages))
