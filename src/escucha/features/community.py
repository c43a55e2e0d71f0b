"""The community: `escucha contacts`, `escucha ledger`, `escucha segments` and their tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.community import contacts_app, ledger_app, segments_app

    cli.add_typer(contacts_app)
    cli.add_typer(ledger_app)
    cli.add_typer(segments_app)


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import (
        consent_records,
        contact_attributes,
        contact_emails,
        contact_identities,
        contact_merges,
        contacts,
        erased_identities,
        erasures,
        interactions,
        merge_evidence,
        segments,
    )

    return [
        contacts,
        contact_identities,
        contact_emails,
        contact_attributes,
        consent_records,
        contact_merges,
        merge_evidence,
        interactions,
        segments,
        erasures,
        erased_identities,
    ]
