"""The one answer to "what do people complain about and wish for" in a scope (a workspace,
its languages, a period), and to "what is a brand's top concern" in it.

Themes of the complaints and of the wishes are found once per scope by `scope_themes`, over
every brand's posts of each language (so brands are compared on the same themes); a brand's
top themes are those themes ranked by how many of its own posts they hold (`of_brand`,
`brand_themes`): a brand's view of the themes filters the scope's, never clusters anew.
Every face calls these: the demo summary and the report (`report_inputs`), the web pages and
the REST API (`web.service.Insights.scope_themes`, cached per data version there), and the
Python API (`Workspace.themes`, `Workspace.concerns`). Key phrases no longer answer it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.themes import Theme

FLAGGED_INTENTS = ("complaint", "wish")  # concerns and wishes
TOP_THEMES = 3  # a brand's top themes shown in tables and summaries

ScopeThemes = Mapping[str, Sequence["Theme"]]  # intent -> its themes, every language


def scope_themes(
    posts: pd.DataFrame,
    brands: Iterable[dict],
    intents: Sequence[str] = FLAGGED_INTENTS,
    *,
    sample_above: int | None = None,
) -> dict[str, list[Theme]]:
    """Intent -> the themes of the analysed posts flagged with it, per language, brand words
    excluded. `posts` are the scope's posts (already kept to its period). `sample_above`:
    the workspace's `[themes] sample_posts` (None: its default; themes.find_themes)."""
    import numpy as np

    from escucha.insights.terms import brand_words
    from escucha.insights.themes import SAMPLE_ABOVE, THEME_COLUMNS, themes_of

    analysed = None
    if "model_version" in posts.columns:
        analysed = np.asarray(posts["model_version"].notna(), dtype=bool)
    narrow = posts[[c for c in THEME_COLUMNS if c in posts.columns]]  # no copy yet
    exclude = brand_words(brands)
    above = SAMPLE_ABOVE if sample_above is None else sample_above
    return {
        intent: themes_of(narrow, intent, exclude=exclude, among=analysed, sample_above=above)
        for intent in intents
    }


@dataclass(frozen=True)
class BrandTheme:
    """One of the scope's themes as one brand's view shows it."""

    theme: Theme
    brand: str
    posts: int  # the brand's posts in it
    share: float  # of the brand's posts in its language's themes ("other" included)


def of_brand(themes: Sequence[Theme], brand: str) -> list[BrandTheme]:
    """The themes (of one intent) holding posts that mention `brand`, per language in the
    order given: most of the brand's posts first (ties: the bigger theme, then its id), the
    "other" bucket last. The brand's view on every face (the themes page, the REST API,
    `Workspace.themes(brand=...)`) and its top concerns (`brand_themes`) come from here."""
    totals: dict[str, int] = {}
    for th in themes:
        totals[th.lang] = totals.get(th.lang, 0) + th.brands.get(brand, 0)
    found = []
    for lang in dict.fromkeys(th.lang for th in themes):
        mine = [th for th in themes if th.lang == lang and th.brands.get(brand, 0)]
        mine.sort(key=lambda th: (th.other, -th.brands[brand], -th.size, th.id))
        found += [
            BrandTheme(th, brand, th.brands[brand], th.brands[brand] / totals[lang]) for th in mine
        ]
    return found


def brand_themes(
    themes: Sequence[Theme], lang: str, brand: str, n: int | None = TOP_THEMES
) -> list[tuple[str, int]]:
    """The themes of `lang` holding posts that mention `brand`, ranked as `of_brand` ranks
    them: (label, the brand's posts in it), at most `n` (None: all)."""
    found = [b for b in of_brand(themes, brand) if b.theme.lang == lang and not b.theme.other]
    return [(b.theme.label, b.posts) for b in found[:n]]


def top_theme(themes: Sequence[Theme], lang: str, brand: str) -> tuple[str, int] | None:
    """The brand's top theme in `lang` (label, its posts there), None without one."""
    found = brand_themes(themes, lang, brand, 1)
    return found[0] if found else None


@dataclass(frozen=True)
class BrandConcern:
    lang: str
    brand: str
    rank: int  # 1: the top concern
    label: str
    posts: int  # the brand's posts in the theme


def concern_rows(
    themes: ScopeThemes, brands: Iterable[str], intent: str = "complaint", n: int = TOP_THEMES
) -> list[BrandConcern]:
    """Per language (sorted) and brand (in the order given): its top `n` themes of `intent`."""
    found = themes.get(intent, ())
    langs = sorted({th.lang for th in found if not th.other})
    return [
        BrandConcern(lang, brand, rank, label, count)
        for lang in langs
        for brand in brands
        for rank, (label, count) in enumerate(brand_themes(found, lang, brand, n), start=1)
    ]
