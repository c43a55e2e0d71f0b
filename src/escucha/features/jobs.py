"""Background jobs: `escucha worker`, `escucha jobs`, the /jobs page (admins) and the table of
job errors."""

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
    from escucha.cli.jobs import jobs_app, worker

    cli.command()(worker)
    cli.add_typer(jobs_app)


@hookimpl
def web_routers() -> Iterable[APIRouter]:
    from escucha.web.routes import jobs

    return [jobs.router]


@hookimpl
def nav_entries() -> Iterable[NavItem]:
    return [NavItem("jobs", "/jobs", order=95, roles=("admin",))]


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import job_errors

    return [job_errors]


@hookimpl
def strings() -> Mapping[str, Mapping[str, str]]:
    from escucha.features.jobs_strings import EN, ES

    return {"en": EN, "es": ES}
