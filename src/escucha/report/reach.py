"""Reach and engagement as the report and the web pages word them (computed in insights/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from escucha.i18n.format import missing

if TYPE_CHECKING:
    from escucha.i18n import Catalogue


def reach_cells(row: Any, t: Catalogue) -> dict[str, str | None]:
    """A brand's share of voice by reach (None where no mention had a follower count), and
    how many of its mentions had one when not all did."""
    known, mentions = int(getattr(row, "reach_known", 0) or 0), int(row.mentions)
    if not known or missing(getattr(row, "reach_share", None)):
        return {"reach_share": None, "reach_note": None}
    note = (
        None
        if known == mentions
        else t.text("reach_known_of", known=t.number(known), n=t.number(mentions))
    )
    return {"reach_share": t.percent(row.reach_share), "reach_note": note}


def author_rows(table: Any, t: Catalogue) -> list[dict]:
    """Top authors (insights.active_authors) as the tables show them."""
    return [
        {
            "author": r.author,
            "source": r.source,
            "posts": t.number(r.posts),
            "negative_share": t.percent(r.negative_share),
            "followers": None if missing(r.followers) else t.number(int(r.followers)),
            "engagement": None if missing(r.engagement) else t.number(int(r.engagement)),
        }
        for r in table.itertuples()
    ]
