"""The report's themes: the complaints and the wishes grouped into named themes, per language
(escucha.insights finds them; this module only picks and words what is shown)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from escucha.i18n.format import day, safe_url

if TYPE_CHECKING:
    from escucha.i18n import Catalogue
    from escucha.insights.concerns import BrandTheme
    from escucha.insights.themes import Theme, ThemeQuote

KINDS = (("concerns", "complaint"), ("wishes", "wish"))  # section key, intent
SHOWN = 8  # themes per language and kind
QUOTES = 2
TOP_BRANDS = 3

Themes = Mapping[str, Sequence["Theme"]]  # intent -> its themes, every language


def quote_view(quote: ThemeQuote, t: Catalogue) -> dict:
    return {
        "post_id": quote.post_id,
        "text": quote.text,
        "url": safe_url(quote.url),
        "author": t.text("quote_by", author=quote.author) if quote.author else None,
        "date": day(quote.created_at),
    }


def theme_view(theme: Theme, t: Catalogue, mine: BrandTheme | None = None) -> dict:
    """`mine`: the theme as one brand's view shows it (its posts there, their share)."""
    from escucha.insights import too_few

    brands = list(theme.brands.items())[:TOP_BRANDS]
    s = theme.sentiment
    few = too_few(s.positive, s.negative)
    return {
        "id": theme.id,
        "label": theme.label,
        "size": t.text("n_posts", n=t.number(theme.size))
        if mine is None
        else t.text(
            "theme_brand_size",
            n=t.number(mine.posts),
            brand=mine.brand,
            share=t.percent(mine.share),
            size=t.number(theme.size),
        ),
        "trend": t[f"trend_{theme.trend.direction}"],
        "trend_key": theme.trend.direction,
        # with the number it rests on, marked as the overview marks too few to compare
        "net": t.text(
            "net_n_few" if few else "net_n",
            net=t.signed(s.net) or t["none"],
            n=t.number(s.positive + s.negative),
        ),
        "too_few": few,
        "brands": ", ".join(f"{b} ({t.number(n)})" for b, n in brands) or t["none"],
        "quotes": [quote_view(q, t) for q in theme.quotes[:QUOTES]],
    }


def language_blocks(
    themes: Themes,
    lang: str,
    flagged: Mapping[str, int],
    t: Catalogue,
    *,
    kinds: Sequence[tuple[str, str]] = KINDS,
    shown: int | None = SHOWN,
    mine: Mapping[str, BrandTheme] | None = None,
) -> list[dict]:
    """One block per (title key, intent) of `kinds` for one language: its biggest themes
    (`shown`, None: all) and what the rest holds. `flagged` is intent -> posts of the
    language flagged with it ("any": all its posts). `mine`: one brand's view (theme id ->
    the brand's posts in it; `flagged` then counts the brand's posts)."""
    blocks = []
    for kind, intent in kinds:
        found = [th for th in themes.get(intent, ()) if th.lang == lang]
        real = [th for th in found if not th.other]
        other = sum(th.size if mine is None else mine[th.id].posts for th in found if th.other)
        limit = len(real) if shown is None else shown
        hidden = real[limit:]
        n = flagged.get(intent, 0)
        note = t["no_flagged"]
        if n:
            key = "themes_note_any" if intent == "any" else "themes_note"
            note = t.text(key, n=t.number(n), other=t.number(other))
            if mine is not None:  # its posts are in this language's themes
                note = t.text("themes_note_brand", brand=mine[found[0].id].brand, note=note)
        blocks.append(
            {
                "key": kind,
                "intent": intent,
                "title": t[kind],
                "note": note,
                "themes": [
                    theme_view(th, t, None if mine is None else mine[th.id]) for th in real[:limit]
                ],
                "more": t.text(
                    "themes_more",
                    n=t.number(len(hidden)),
                    posts=t.number(
                        sum(th.size if mine is None else mine[th.id].posts for th in hidden)
                    ),
                )
                if hidden
                else None,
                "empty": t["no_themes"] if n and not real else None,
            }
        )
    return blocks
