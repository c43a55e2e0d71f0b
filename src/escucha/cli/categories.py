"""`escucha categories`: an analyst's own categories of posts (by hand and by saved query)."""

from __future__ import annotations

from typing import Annotated

import typer

from escucha.cli.common import wide_console, workspace_of

categories_app = typer.Typer(
    name="categories",
    help="Custom categories of posts: define them (by hand or by a saved query), list them "
    "with their posts, share and sentiment.",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option("--json", help="Print JSON.")
BY_OPTION = typer.Option("--by", help="Who defines it (a user name, for the record).")


@categories_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='The category\'s name, e.g. "app bug".')],
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Posts matching this query belong to the category."),
    ] = None,
    by: Annotated[str, BY_OPTION] = "cli",
) -> None:
    """Define a category: posts tagged with it by hand, and with --query every post that
    matches the query (evaluated when read, so new posts belong to it at once)."""
    from escucha.understand.categories import add_category

    found = add_category(workspace_of(ctx).engine, name, by, query)
    typer.echo(
        f"category {found['name']!r} defined"
        + (f" by the query {found['query']}" if found["query"] else " (tag posts by hand)")
    )


@categories_app.command("remove")
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The category's name.")]
) -> None:
    """Delete a category and its hand tags (the audit of past tags stays)."""
    from escucha.understand.categories import remove_category

    remove_category(workspace_of(ctx).engine, name)
    typer.echo(f"category {name!r} removed")


@categories_app.command("list")
def list_(
    ctx: typer.Context,
    period: Annotated[
        str | None, typer.Option(help='A period: "7d", "30d", "90d" or FROM:TO (default: all).')
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Every category: its query, posts (tagged by hand or matching), share of all posts,
    sentiment and net sentiment (an analyst's labels over the model's)."""
    import math

    from escucha.cli.ideas import to_json

    ws = workspace_of(ctx)
    table = ws.categories(period)
    voices = ws.categories(period, by="brand")
    if as_json:
        records = table.to_dict(orient="records")
        for r in records:
            for k, v in r.items():
                if isinstance(v, float) and math.isnan(v):  # no value (and a query's None)
                    r[k] = None
            r["brands"] = [
                {"brand": b, "mentions": int(m), "share": s}
                for _, b, m, s in voices[voices["category"] == r["category"]].itertuples(
                    index=False
                )
            ]
        typer.echo(to_json(records))
        return
    if table.empty:
        typer.echo('no categories yet: escucha categories add NAME [--query "QUERY"]')
        return
    from rich.table import Table

    grid = Table("category", "query", "posts", "share", "by hand", "pos", "neu", "neg", "net")
    for r in table.itertuples(index=False):
        net = "-" if math.isnan(r.net) else f"{r.net:+.2f}" + (" (few)" if r.too_few else "")
        share = "-" if math.isnan(r.share) else f"{r.share:.1%}"
        grid.add_row(
            r.category,
            r.query if isinstance(r.query, str) else "(by hand)",
            f"{r.posts:,}",
            share,
            f"{r.tagged:,}",
            str(r.positive),
            str(r.neutral),
            str(r.negative),
            net,
        )
    wide_console().print(grid)
