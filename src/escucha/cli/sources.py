"""`escucha sources add | list | remove | test`: the sources escucha listens to."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from escucha.cli.common import workspace_of
from escucha.errors import UserError

if TYPE_CHECKING:
    from escucha.listen.sources.base import Source

sources_app = typer.Typer(
    name="sources",
    help="Add, list, test and remove the sources escucha listens to.",
    no_args_is_help=True,
)


def parse_options(pairs: list[str], kind: type[Source]) -> dict[str, Any]:
    """KEY=VALUE pairs, each value typed as `kind` declares the option (`Source.option_value`):
    numbers only where a number is meant, so `q=737` stays the text "737"."""
    from escucha.core.items import is_secret_key

    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise UserError(f"--option {pair!r}: expected KEY=VALUE, e.g. q=iberia")
        if is_secret_key(key):
            raise UserError(
                f"--option {key}: credentials never go in escucha.toml; "
                "set them in the environment or secrets.toml (docs/connectors.md)"
            )
        options[key] = kind.option_value(key, value.strip())
    return options


def _default_name(kind: str, target: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(target).hostname if "://" in target else None
    slug = re.sub(r"[^a-z0-9]+", "-", (host or target).lower()).strip("-")
    return f"{kind}-{slug}"[:64] or kind


def _save(workspace, sources: tuple) -> None:
    from escucha.config import CONFIG_FILE, render_config

    config = dataclasses.replace(workspace.config, sources=sources)
    path = workspace.path / CONFIG_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(render_config(config), encoding="utf-8")
    partial.replace(path)


@sources_app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="rss, discourse, mastodon, bluesky or reddit.")],
    target: Annotated[
        str,
        typer.Argument(
            help="rss: feed URL; discourse: forum URL; mastodon: instance URL; "
            "bluesky: search query; reddit: subreddits, comma-separated."
        ),
    ],
    name: Annotated[
        str | None, typer.Option(help="Source name (default: from the target).")
    ] = None,
    allow_private_networks: Annotated[
        bool,
        typer.Option(
            help="Allow addresses on private networks and this machine (off: SSRF guard)."
        ),
    ] = False,
    interval: Annotated[
        float | None, typer.Option(help="Seconds between collections with --follow (300).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="KEY=VALUE source option (repeatable)."),
    ] = None,
) -> None:
    """Add a source to escucha.toml (credentials come from the environment, never from here)."""
    from escucha.config import SourceConfig
    from escucha.listen.sources import source_class

    workspace = workspace_of(ctx)
    cls = source_class(kind)
    name = name or _default_name(kind, target)
    if any(s.name == name for s in workspace.config.sources):
        raise UserError(f"a source named {name!r} exists; choose another with --name")
    options: dict[str, Any] = {
        cls.target_option: cls.option_value(cls.target_option, target),
        **parse_options(option or [], cls),
    }
    if allow_private_networks:
        options["allow_private_networks"] = True
    if interval is not None:
        options["interval"] = interval
    config = SourceConfig(name, kind, options)
    cls(config, {})  # validates the options before anything is written
    _save(workspace, (*workspace.config.sources, config))
    typer.echo(f"added {kind} source {name!r}: {target}")
    typer.echo(f"coverage: {cls.coverage}")


@sources_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Each source with its health: last success, last error, posts collected, coverage."""
    from escucha.listen.collector import source_health

    workspace = workspace_of(ctx)
    health = source_health(workspace)
    if not health:
        typer.echo("no sources yet; add one with 'escucha sources add KIND TARGET'")
        return
    for h in health:
        typer.echo(f"{h.name} ({h.kind}) {h.target or ''}")
        last_ok = h.last_ok_at.isoformat() if h.last_ok_at else "never"
        typer.echo(
            f"  collected {h.collected:,}, rejected {h.rejected:,}, "
            f"every {h.interval} s, last ok {last_ok}"
        )
        if h.last_error:
            typer.echo(f"  last error: {h.last_error}")
        typer.echo(f"  coverage: {h.coverage}")


@sources_app.command("remove")
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Remove a source from escucha.toml; the posts it collected stay in the store."""
    from escucha.listen.collector import forget_state

    workspace = workspace_of(ctx)
    kept = tuple(s for s in workspace.config.sources if s.name != name)
    if len(kept) == len(workspace.config.sources):
        raise UserError(f"no source named {name!r}; see 'escucha sources list'")
    _save(workspace, kept)
    forget_state(workspace.engine, name)
    typer.echo(f"removed source {name!r}; its posts stay in the store")


def _find(workspace, name: str):
    for config in workspace.config.sources:
        if config.name == name:
            return config
    raise UserError(f"no source named {name!r}; see 'escucha sources list'")


@sources_app.command("test")
def test(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Fetch one page without storing it, and say what would be collected."""
    from escucha.listen.collector import build_source, load_cursor
    from escucha.reads.posts import known_native_ids

    workspace = workspace_of(ctx)
    source = build_source(workspace, _find(workspace, name))
    pages = source.fetch(load_cursor(workspace.engine, name))
    try:
        page = next(pages, None)
    finally:
        pages.close()
        source.close()
    items = page.items if page else []
    with workspace.engine.connect() as conn:
        known = known_native_ids(conn, name, [i.native_id for i in items])
    fresh = [i for i in items if i.native_id not in known]
    rejected = page.rejected if page else []
    typer.echo(
        f"{name}: first page has {len(items)} item(s), {len(fresh)} new, "
        f"{len(rejected)} rejected (nothing stored)"
    )
    for item in fresh[:5]:
        snippet = " ".join(item.text.split())[:80]
        typer.echo(f"  {item.native_id}: {snippet}")
    for r in rejected[:5]:
        typer.echo(f"  rejected at {r.where}: {r.reason}")
