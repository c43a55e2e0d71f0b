"""Shaping the idea backlog and the alert history for the pages (the report's rows, worded
by the UI catalogue, plus what only the app shows: trends, posts, askers, links)."""

from __future__ import annotations

from escucha.i18n import catalogue
from escucha.i18n.format import day, safe_url, when
from escucha.report.backlog import idea_row as report_idea_row


def idea_row(idea: dict, ui: str) -> dict:
    """A row of the list: the report's, plus the posts per period, oldest first."""
    t = catalogue(ui)
    row = report_idea_row(idea, t)
    return {**row, "trend": " · ".join(t.number(n) for n in idea["trend"]) or t["none"]}


def idea_detail(idea: dict, ui: str) -> dict:
    """escucha.ideas.show_idea's idea, ready to show."""
    t = catalogue(ui)
    return {
        "id": idea["id"],
        "title": idea["title"],
        "key": idea["key"],
        "lang": t.language_name(idea["lang"]),
        "status_key": idea["status"],
        "status": t[f"status_{idea['status']}"],
        "merged_into": idea["merged_into"],
        "duplicates": idea["duplicates"],
        "first": day(idea["first_seen"]) or t["none"],
        "last": day(idea["last_seen"]) or t["none"],
        "posts": [
            {
                "post_id": p["id"],
                "text": p["quote"],
                "author": f"@{p['author']}" if p["author"] else None,
                "date": day(p["created_at"]),
                "url": safe_url(p["url"]),
            }
            for p in idea["posts"]
        ],
        "askers": [
            {
                "handle": a["handle"],
                "source": a["source"],
                "name": a["display_name"],
                "profile": safe_url(a["profile_url"]),
                "posts": t.number(a["posts"]),
                "first": day(a["first_seen"]),
                "last": day(a["last_seen"]),
            }
            for a in idea["askers"]
        ],
    }


def run_summary(result: dict, ui: str) -> str:
    """What one run of escucha.alerts.run_alerts did, in a sentence."""
    t = catalogue(ui)
    return t.text(
        "alerts_ran",
        at=when(result["at"]) or "—",
        fired=t.number(len(result["fired"])),
        delivered=t.number(len(result["deliveries"])),
    )
