"""The report's idea backlog and alert history, from what the store holds (report_inputs
reads them; the report never refreshes ideas or runs alerts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from escucha.report.formatting import day, number, when

IDEAS_SHOWN = 15
ALERTS_SHOWN = 10


def idea_section(
    ideas: Sequence[dict], lang_name: Callable[[str | None], str], t: dict[str, str]
) -> dict:
    """The ideas with most posts (as escucha.ideas.list_ideas orders them)."""
    shown = list(ideas)[:IDEAS_SHOWN]
    return {
        "intro": t["ideas_intro"].format(shown=number(len(shown)), total=number(len(ideas)))
        if ideas
        else None,
        "empty": None if ideas else t["no_ideas"],
        "rows": [idea_row(idea, lang_name, t) for idea in shown],
    }


def idea_row(idea: dict, lang_name: Callable[[str | None], str], t: dict[str, str]) -> dict:
    """One idea of escucha.ideas.list_ideas, ready to show."""
    return {
        "title": idea["title"],
        "id": idea["id"],
        "lang": lang_name(idea["lang"]),
        "posts": number(idea["posts"]),
        "askers": number(idea["askers"]),
        "first": day(idea["first_seen"]),
        "last": day(idea["last_seen"]),
        "status_key": idea["status"],
        "status": t.get(f"status_{idea['status']}", idea["status"]),
    }


def _delivery(delivery: dict, t: dict[str, str]) -> str:
    text = t["delivery"].format(
        channel=delivery["channel"],
        status=t.get(f"delivery_{delivery['status']}", delivery["status"]),
        n=number(delivery["attempts"]),
    )
    return f"{text}: {delivery['error']}" if delivery.get("error") else text


def alert_section(
    alerts: Sequence[dict], t: dict[str, str], shown: int | None = ALERTS_SHOWN
) -> dict:
    """The latest `shown` alerts (None: all), newest first, as alert_history gives them."""
    listed = list(alerts)[:shown]
    return {
        "empty": None if alerts else t["no_alerts"],
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
