"""`escucha themes`: the themes of the complaints and wishes, or of a query's posts."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import wide_console, workspace_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from escucha.insights.concerns import BrandTheme
    from escucha.insights.themes import Theme


class Intent(StrEnum):
    complaint = "complaint"
    wish = "wish"
    any = "any"


def themes(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="A boolean query (default: every analysed post).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"themes": [...]}; post_ids are native ids.')
    ] = False,
    intent: Annotated[
        Intent | None,
        typer.Option(
            help="Only posts flagged with this intent; 'any' for all. Default: complaints and "
            "wishes, each on its own (with a query: any)."
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Only this language, e.g. es or en.")] = None,
    brand: Annotated[
        str | None,
        typer.Option(
            help="One brand's view (as /themes?brand= and the API): the themes holding its "
            "posts, most of them first, with brand_posts and brand_share."
        ),
    ] = None,
) -> None:
    """Group posts into named themes, per intent and language, with quotes and trends."""
    from escucha.insights.concerns import FLAGGED_INTENTS, scope_themes
    from escucha.insights.terms import brand_words
    from escucha.insights.themes import themes_of
    from escucha.report_inputs import brand_dicts

    workspace = workspace_of(ctx)
    posts = workspace.query(text) if text else workspace.posts()
    posts = posts[posts["model_version"].notna()]
    brands = brand_dicts(workspace)
    above = workspace.config.themes.sample_posts
    found = []
    for name in _intents(intent, text):
        if text is None and name in FLAGGED_INTENTS:  # the workspace's: what every face shows
            every = scope_themes(posts, brands, (name,), sample_above=above)[name]
            found += [(name, theme) for theme in every if lang is None or theme.lang == lang]
            continue
        for theme in themes_of(
            posts, name, lang=lang, exclude=brand_words(brands), sample_above=above
        ):
            found.append((name, theme))
    mine: dict[str, BrandTheme] = {}
    if brand is not None:
        found, mine = _as_seen_by(found, _brand_named(brand, brands, posts))
    if as_json:
        payload = [_json(name, theme, mine.get(theme.id)) for name, theme in found]
        typer.echo(json.dumps({"themes": payload}, ensure_ascii=False))
        return
    _print(found, mine if brand is not None else None)


def _brand_named(name: str, brands: Iterable[dict], posts: pd.DataFrame) -> str:
    """The brand as configured or as the posts name it (ignoring case, as the web's brand
    filter does); UserError naming the known ones if there is none."""
    from escucha.errors import UserError
    from escucha.i18n import Message

    known = list(dict.fromkeys([b["name"] for b in brands]))
    if "brands" in posts.columns:
        stored = {b for names in posts["brands"] for b in names}
        known += sorted(stored - set(known))
    found = next((b for b in known if b.casefold() == name.strip().casefold()), None)
    if found is None:
        params = {"brand": name[:80], "known": ", ".join(known) or "-"}
        raise UserError(Message("themes_unknown_brand", params))
    return found


def _as_seen_by(
    found: Sequence[tuple[str, Theme]], brand: str
) -> tuple[list[tuple[str, Theme]], dict[str, BrandTheme]]:
    """Each intent's themes as `brand` sees them (insights.concerns.of_brand, as every face):
    those holding its posts, most first; and theme id -> its posts there."""
    from escucha.insights.concerns import of_brand

    kept: list[tuple[str, Theme]] = []
    mine: dict[str, BrandTheme] = {}
    for intent in dict.fromkeys(name for name, _ in found):
        for seen in of_brand([t for name, t in found if name == intent], brand):
            kept.append((intent, seen.theme))
            mine[seen.theme.id] = seen
    return kept, mine


def _intents(intent: Intent | None, query: str | None) -> list[str]:
    if intent is None:
        return ["any"] if query else ["complaint", "wish"]
    return [intent.value]


def _json(intent: str, theme: Theme, mine: BrandTheme | None) -> dict:
    out = {**theme.to_dict(), "intent": intent}
    if mine is not None:
        out |= {"brand_posts": mine.posts, "brand_share": mine.share}
    return out


def _print(found: list[tuple[str, Theme]], mine: dict[str, BrandTheme] | None) -> None:
    from rich.table import Table

    table = Table(show_lines=True)
    table.add_column("scope", no_wrap=True)
    table.add_column("theme", ratio=2)
    table.add_column("posts", justify="right", no_wrap=True)
    if mine is not None:
        table.add_column("brand posts", justify="right", no_wrap=True)
    table.add_column("trend", no_wrap=True)
    table.add_column("net", justify="right", no_wrap=True)
    table.add_column("brands", ratio=1)
    table.add_column("quotes", ratio=4)
    for intent, theme in found:
        net = theme.sentiment.net
        brands = ", ".join(f"{b} {n}" for b, n in list(theme.brands.items())[:3])
        quotes = "\n".join(f"“{q.text[:160]}”" for q in theme.quotes[:2])
        ours = mine[theme.id] if mine is not None else None
        table.add_row(
            f"{intent} · {theme.lang}",
            theme.label,
            f"{theme.size:,}",
            *([f"{ours.posts:,} ({ours.share:.0%})"] if ours is not None else []),
            theme.trend.direction,
            "-" if net is None else f"{net:+.2f}",
            brands or "-",
            quotes,
        )
    console = wide_console()
    console.print(table, markup=False)
    console.print(f"{len(found):,} themes")
