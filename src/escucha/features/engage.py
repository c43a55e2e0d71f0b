"""Conversation: `escucha guard` (the honest-post guard), `escucha inbox`, `escucha reply`,
`escucha drafts`, `escucha disclosures`, the inbox, drafts and disclosure pages, the /api/v1
conversation routes and their tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl
from escucha.plugins.nav import NavItem

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.engage import disclosures, drafts_app, inbox_app, reply
    from escucha.cli.guard import guard

    cli.command("guard")(guard)
    cli.add_typer(inbox_app)
    cli.command("reply")(reply)
    cli.add_typer(drafts_app)
    cli.command("disclosures")(disclosures)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api_engage, engage

    return [engage.router, api_engage.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [
        NavItem("inbox", "/inbox", order=66),
        NavItem("drafts", "/drafts", order=67),
        NavItem("disclosures", "/disclosures", order=68),
    ]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import (
        draft_approvals,
        draft_overrides,
        drafts,
        inbox_items,
        publications,
    )

    return [inbox_items, drafts, draft_approvals, draft_overrides, publications]


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    """The inbox, drafts and disclosure pages, and the honesty panel of the overview."""
    from escucha.features.engage_strings import STRINGS

    return STRINGS
