"""Research: `escucha surveys` (definitions, XLSForm in and out, links, invitations, quotas,
responses and results), the respondent's public form at /s/{token}, /api/v1/surveys, and the
survey tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """Attach the survey commands to `surveys` (features/research_stats adds the group)."""
    import escucha.cli.surveys
    import escucha.cli.surveys_links
    import escucha.cli.surveys_results  # noqa: F401


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api_surveys, surveys

    return [surveys.router, api_surveys.router]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import research

    return research.TABLES


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    """The respondent's form, the analysis's AAPOR statement, the results post and what the
    survey commands print."""
    from escucha.features.research_cli_strings import STRINGS as CLI
    from escucha.features.research_strings import STRINGS as FORM
    from escucha.research.strings import STRINGS as ANALYSIS

    return {lang: {**ANALYSIS[lang], **FORM[lang], **CLI[lang]} for lang in ANALYSIS}
