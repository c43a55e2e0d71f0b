"""Shaping the conversation for its pages: priority reasons, waiting and response times in the
UI language, the guard's verdict with its flags, drafts, disclosures and the honesty panel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from escucha.i18n import Catalogue, catalogue
from escucha.i18n.format import safe_url, when

if TYPE_CHECKING:
    from escucha.engage.inbox import Reason
    from escucha.web.context import WebContext


def ensure_inbox(ctx: WebContext) -> None:
    """The inbox refreshed once per data version (posts added or read), not on every page."""
    from escucha.engage.inbox import refresh_inbox
    from escucha.reads.versions import data_version

    with ctx.engine.connect() as conn:
        version = data_version(conn, ctx.model_version)
    ctx.cache.get(("engage-inbox-refreshed",), version, lambda: refresh_inbox(ctx.workspace))


def duration_text(delta: timedelta, t: Catalogue) -> str:
    """A time span in minutes below an hour, hours below a day, else days and hours."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return t.text("engage_duration_minutes", minutes=minutes)
    hours = minutes // 60
    if hours < 24:
        return t.text("engage_duration_hours", hours=hours)
    return t.text("engage_duration_days", days=t.number(hours // 24), hours=hours % 24)


def reason_wording(ui: str) -> Callable[[Reason], str]:
    """How the inbox's priority reasons read in the UI language (the API keeps English)."""
    t = catalogue(ui)

    def word(reason: Reason) -> str:
        points = (
            t.number(reason.points)
            if reason.points == int(reason.points)
            else (t.decimal(reason.points, 1))
        )
        params: dict[str, object] = {"points": points}
        if reason.code == "intent":
            params["intent"] = t[f"intent_{reason.intent}"]
        elif reason.code == "reach":
            params["followers"] = t.number(reason.followers)
        elif reason.code == "waiting":
            params["duration"] = duration_text(reason.waited, t)
        elif reason.code == "repeated":
            params["count"] = t.number(reason.repeats)
        return t.text(f"engage_reason_{reason.code}", **params)

    return word


def _at(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def item_row(item: dict, ui: str, now: datetime | None = None) -> dict:
    """An inbox item as the list and the thread page show it."""
    t = catalogue(ui)
    now = now or datetime.now(UTC)
    asked = _at(item["asked_at"])
    if item["response_seconds"] is not None:
        timing = t.text(
            "engage_answered_in",
            duration=duration_text(timedelta(seconds=item["response_seconds"]), t),
        )
    elif asked is not None:
        timing = t.text("engage_waiting", duration=duration_text(now - asked, t))
    else:
        timing = t["engage_no_response"]
    return {
        **item,
        "priority_text": t.decimal(item["priority"], 1),
        "status_label": t[f"engage_status_{item['status']}"],
        "intent_label": t[f"intent_{item['intent']}"],
        "asked": when(asked) or t["no_date"],
        "timing": timing,
        "url": safe_url(item["url"]),
        "open": item["status"] in ("new", "assigned"),
    }


def thread_rows(posts: list[dict]) -> list[dict]:
    return [{**p, "when": when(_at(p["created_at"])) or ""} for p in posts]


def verdict_view(verdict: str, flags: list[dict], ui: str) -> dict:
    """The guard's verdict and each flag's name, reason and trigger words."""
    t = catalogue(ui)
    return {
        "verdict": verdict,
        "label": t[f"engage_verdict_{verdict}"],
        "flags": [
            {
                "name": f["name"],
                "label": t.get(f"engage_flag_{f['name']}", f["name"]),
                "reason": f["reason"],
                "triggers": t.text("engage_triggers", words=", ".join(f["triggers"]))
                if f.get("triggers")
                else None,
            }
            for f in flags
        ],
    }


JOB_STATES = ("todo", "doing", "failed")  # a publish job's states the drafts pages tell


def draft_row(draft: dict, ui: str, error: str | None = None, job: str | None = None) -> dict:
    """A stored draft with its verdict (flags and reasons as stored), approval, publication
    and its publish job's state when one is queued, running or failed."""
    t = catalogue(ui)
    flags = [
        {"name": name, "reason": reason, "triggers": ()}
        for name, reason in zip(draft["flags"], draft["reasons"], strict=False)
    ]
    approved = _at(draft.get("approved_at"))
    return {
        **draft,
        "when": when(_at(draft["created_at"])) or t["no_date"],
        "guard": verdict_view(draft["verdict"], flags, ui),
        "approved_when": when(approved) if approved else None,
        "last_error": error,
        "job": job if job in JOB_STATES and draft["status"] == "approved" else None,
        "job_text": t[f"engage_job_{job}"] if job in JOB_STATES else None,
        "url": safe_url(draft.get("url")),
    }


def disclosure_row(found: dict, ui: str) -> dict:
    t = catalogue(ui)
    created = found["created_at"]
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return {
        **found,
        "when": when(created) or t["no_date"],
        "connection_label": t[f"engage_connection_{found['connection']}"],
        "url": safe_url(found["url"]),
        "reminder_guard": verdict_view(
            found["reminder"]["verdict"],
            [
                {"name": n, "reason": r, "triggers": ()}
                for n, r in zip(
                    found["reminder"]["flags"], found["reminder"]["reasons"], strict=False
                )
            ],
            ui,
        ),
    }


def honesty_panel(honesty: dict, ui: str) -> dict:
    """The overview's brand honesty panel: two sentences and their warnings."""
    t = catalogue(ui)
    share, balance = honesty["promotional"], honesty["give_ask"]
    if share["posts"]:
        promotional = t.text(
            "engage_promotional",
            promotional=t.number(share["promotional"]),
            posts=t.number(share["posts"]),
            days=share["window_days"],
            share=t.percent(share["share"]),
            threshold=t.percent(share["threshold"]),
        )
    else:
        promotional = t.text("engage_promotional_none", days=share["window_days"])
    if balance["asks"]:
        give_ask = t.text(
            "engage_give_ask",
            gives=t.number(balance["gives"]),
            asks=t.number(balance["asks"]),
            months=balance["months"],
            ratio=t.decimal(balance["ratio"]),
        )
    else:
        give_ask = t.text(
            "engage_give_ask_no_asks", gives=t.number(balance["gives"]), months=balance["months"]
        )
    return {
        "promotional": promotional,
        "promotional_warn": t["engage_promotional_warn"] if share["warn"] else None,
        "give_ask": give_ask,
        "give_ask_warn": t["engage_give_ask_warn"] if balance["warn"] else None,
    }
