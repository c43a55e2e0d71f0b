"""The community: `escucha contacts`, `escucha ledger`, `escucha segments`, their pages, API
and tables."""

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
    from escucha.cli.community import contacts_app, ledger_app, segments_app

    cli.add_typer(contacts_app)
    cli.add_typer(ledger_app)
    cli.add_typer(segments_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import api_community, community

    return [community.router, api_community.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("contacts", "/contacts", order=62), NavItem("ledger", "/ledger", order=64)]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import community

    return community.TABLES


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    """The readiness reasons (community/views.py codes) for the web app and the report."""
    return {
        "en": {
            "community_reason_opted_out": "opted out of being contacted",
            "community_reason_no_consent": "no consent to be contacted on record",
            "community_reason_cooldown": "asked on {day}, within the {days}-day cooldown",
            "community_reason_ask_cap": "{count} asks in the last 90 days (cap {cap})",
            "community_reason_no_give_since_ask": "we have not given since the last ask on {day}",
            "community_reason_no_channel": "no channel to reach them",
        },
        "es": {
            "community_reason_opted_out": "pidió no ser contactado",
            "community_reason_no_consent": "no consta su consentimiento para contactarle",
            "community_reason_cooldown": (
                "se le pidió algo el {day}, dentro de la pausa de {days} días"
            ),
            "community_reason_ask_cap": "{count} peticiones en los últimos 90 días (máximo {cap})",
            "community_reason_no_give_since_ask": (
                "no le hemos dado nada desde la última petición, el {day}"
            ),
            "community_reason_no_channel": "no hay canal para contactarle",
        },
    }
