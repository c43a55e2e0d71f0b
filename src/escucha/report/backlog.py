"""The report's idea backlog and alert history, from what the store holds (report_inputs
reads them; the report never refreshes ideas or runs alerts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from escucha.i18n.format import day, when

if TYPE_CHECKING:
    from escucha.i18n import Catalogue

IDEAS_SHOWN = 15
ALERTS_SHOWN = 10


def idea_section(ideas: Sequence[dict], t: Catalogue) -> dict:
    """The ideas with most posts (as escucha.ideas.list_ideas orders them)."""
    shown = list(ideas)[:IDEAS_SHOWN]
    return {
        "intro": t.text(
            "report_ideas_intro", shown=t.number(len(shown)), total=t.number(len(ideas))
        )
        if ideas
        else None,
        "empty": None if ideas else t["report_no_ideas"],
        "rows": [idea_row(idea, t) for idea in shown],
    }


def idea_row(idea: dict, t: Catalogue) -> dict:
    """One idea of escucha.ideas.list_ideas, ready to show."""
    return {
        "title": idea["title"],
        "id": idea["id"],
        "lang": t.language_name(idea["lang"]),
        "posts": t.number(idea["posts"]),
        "askers": t.number(idea["askers"]),
        "lead": idea["lead"],
        "first": day(idea["first_seen"]),
        "last": day(idea["last_seen"]),
        "status_key": idea["status"],
        "status": t.get(f"status_{idea['status']}", idea["status"]),
    }


def _delivery(delivery: dict, t: Catalogue) -> str:
    text = t.text(
        "delivery",
        channel=delivery["channel"],
        status=t.get(f"delivery_{delivery['status']}", delivery["status"]),
        n=t.number(delivery["attempts"]),
    )
    return f"{text}: {delivery['error']}" if delivery.get("error") else text


def alert_section(alerts: Sequence[dict], t: Catalogue, shown: int | None = ALERTS_SHOWN) -> dict:
    """The latest `shown` alerts (None: all), newest first, as alert_history gives them."""
    listed = list(alerts)[:shown]
    return {
        "empty": None if alerts else t["report_no_alerts"],
        "rows": [
            {
                "fired": when(alert["fired_at"]),
                "rule": f"{alert['rule']} / {alert['metric']}",
                "subject": alert["subject"],
                "message": alert["message"],
                "deliveries": [_delivery(d, t) for d in alert["deliveries"]] or [t["no_channel"]],
            }
            for alert in listed
        ],
    }
