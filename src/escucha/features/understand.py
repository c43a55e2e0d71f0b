"""Understanding: `escucha analyze` (models and brand rules), `classify` and `eval`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from escucha.plugins import hookimpl

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Table


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    from escucha.cli.analysis import analyze
    from escucha.cli.categories import categories_app
    from escucha.cli.classify import classify, evaluate
    from escucha.cli.labels import labels_app
    from escucha.cli.train import train

    cli.command()(analyze)
    cli.command("classify")(classify)
    cli.command("eval")(evaluate)
    cli.add_typer(labels_app)
    cli.add_typer(categories_app)
    cli.command("train")(train)


@hookimpl
def tables() -> Iterable[Table]:
    from escucha.store.schema import (
        brand_mentions,
        categories,
        enrichments,
        label_changes,
        mention_rollup,
        post_categories,
        post_labels,
        post_rollup,
        rollup_dirty,
        rollup_versions,
    )

    return [
        enrichments,
        brand_mentions,
        post_labels,
        label_changes,
        categories,
        post_categories,
        mention_rollup,
        post_rollup,
        rollup_versions,
        rollup_dirty,
    ]
