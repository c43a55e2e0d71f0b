"""`run_alerts`: evaluate, store each new alert once, deliver it once per channel, retry.

An alert is identified by (rule, metric, subject, window). A spike is not raised again while
its window overlaps one already raised for the same rule and subject, so a long spike is one
alert, not one per run. A failed delivery waits (1, 2, 4 ... minutes, at most 6 hours) and is
tried again by a later run, up to MAX_ATTEMPTS times; every attempt is kept in the history.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, insert, select, update

from escucha.alerts.channels import DeliveryError, channel_secrets, send
from escucha.alerts.config import AlertConfig, load_alert_config
from escucha.alerts.evaluate import Fired, evaluate
from escucha.core.timeutil import as_utc
from escucha.store.schema import alert_deliveries, alerts
from escucha.store.writer import insert_ignore

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context

log = logging.getLogger("escucha.alerts")
MAX_ATTEMPTS = 10
BACKOFF = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1 min, 2, 4, ... up to 6 h."""
    return min(BACKOFF_CAP, BACKOFF * 2 ** (attempts - 1))


def _already(conn: Connection, fired: Fired) -> bool:
    same = and_(
        alerts.c.rule == fired.rule,
        alerts.c.metric == fired.metric,
        alerts.c.subject == fired.subject,
    )
    if fired.metric == "match":  # its posts are new by construction; only the exact window
        window = and_(
            alerts.c.window_start == fired.window_start, alerts.c.window_end == fired.window_end
        )
    else:
        window = and_(
            alerts.c.window_start < fired.window_end, alerts.c.window_end > fired.window_start
        )
    return conn.execute(select(alerts.c.id).where(same, window).limit(1)).first() is not None


def _store(conn: Connection, fired: Fired, now: datetime) -> int | None:
    """Insert the alert and its pending deliveries; None if it was stored meanwhile."""
    stmt = insert_ignore(
        conn, alerts, ("rule", "metric", "subject", "window_start", "window_end")
    ).returning(alerts.c.id)
    alert_id = conn.execute(
        stmt,
        {
            "rule": fired.rule,
            "metric": fired.metric,
            "subject": fired.subject,
            "window_start": fired.window_start,
            "window_end": fired.window_end,
            "value": fired.value,
            "message": fired.message,
            "details": fired.details,
            "state": "pending" if fired.channels else "recorded",
            "fired_at": now,
        },
    ).scalar()
    if alert_id is not None and fired.channels:
        conn.execute(
            insert(alert_deliveries),
            [
                {
                    "alert_id": alert_id,
                    "channel": name,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for name in fired.channels
            ],
        )
    return alert_id


def _alert_state(conn: Connection, alert_id: int) -> str:
    statuses = set(
        conn.scalars(
            select(alert_deliveries.c.status).where(alert_deliveries.c.alert_id == alert_id)
        )
    )
    if not statuses:
        return "recorded"
    if statuses == {"sent"}:
        return "delivered"
    return "pending" if "pending" in statuses else "failed"


def deliver_due(workspace: Context, config: AlertConfig, now: datetime) -> list[dict]:
    """Try every delivery that is pending and due; return what happened to each."""
    with workspace.engine.connect() as conn:
        due = conn.execute(
            select(alert_deliveries, alerts)
            .join(alerts, alerts.c.id == alert_deliveries.c.alert_id)
            .where(
                alert_deliveries.c.status == "pending",
                alert_deliveries.c.next_attempt_at <= now,
            )
            .order_by(alerts.c.id, alert_deliveries.c.channel)
        ).all()
    outcomes = []
    for row in due:
        fields = row._mapping
        alert = {c.name: fields[alerts.c[c.name]] for c in alerts.columns}
        for key in ("window_start", "window_end", "fired_at"):
            alert[key] = as_utc(alert[key])
        name = fields[alert_deliveries.c.channel]
        attempts = fields[alert_deliveries.c.attempts] + 1
        values = {"attempts": attempts, "last_attempt_at": now}
        channel = config.channels.get(name)
        try:
            if channel is None:
                raise DeliveryError(f"channel '{name}' is no longer in escucha.toml")
            send(channel, alert, channel_secrets(workspace.path, channel))
        except DeliveryError as exc:
            gave_up = attempts >= MAX_ATTEMPTS
            values |= {
                "status": "failed" if gave_up else "pending",
                "error": str(exc),
                "next_attempt_at": None if gave_up else now + backoff(attempts),
            }
            log.warning("alert %s to %s failed (attempt %d): %s", alert["id"], name, attempts, exc)
        else:
            values |= {"status": "sent", "sent_at": now, "error": None, "next_attempt_at": None}
        with workspace.engine.begin() as conn:
            conn.execute(
                update(alert_deliveries)
                .where(alert_deliveries.c.id == fields[alert_deliveries.c.id])
                .values(**values)
            )
            conn.execute(
                update(alerts)
                .where(alerts.c.id == alert["id"])
                .values(state=_alert_state(conn, alert["id"]))
            )
        outcomes.append(
            {
                "alert": alert["id"],
                "channel": name,
                "status": values["status"],
                "attempts": attempts,
                "error": values.get("error"),
            }
        )
    return outcomes


def run_alerts(
    workspace: Context,
    *,
    at: datetime | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    config: AlertConfig | None = None,
) -> dict:
    """Evaluate the rules at `at` (default: the newest post), store and deliver what is new.

    `dry_run` stores and sends nothing. `now` (the clock, for retries) is for tests.
    """
    config = config or load_alert_config(workspace.path)
    now = now or datetime.now(UTC)
    end, fired, notes = evaluate(workspace, config, at)
    new: list[dict] = []
    with workspace.engine.begin() as conn:
        for alert in fired:
            if _already(conn, alert):
                continue
            alert_id = None if dry_run else _store(conn, alert, now)
            if dry_run or alert_id is not None:
                new.append({"id": alert_id, **_public(alert)})
    deliveries = [] if dry_run else deliver_due(workspace, config, now)
    return {"at": end, "fired": new, "deliveries": deliveries, "notes": notes}


def _public(alert: Fired) -> dict:
    return {
        "rule": alert.rule,
        "metric": alert.metric,
        "subject": alert.subject,
        "window_start": alert.window_start,
        "window_end": alert.window_end,
        "value": alert.value,
        "message": alert.message,
        "channels": list(alert.channels),
    }


def alert_history(workspace: Context, limit: int = 50) -> list[dict]:
    """The latest alerts, newest first, each with its deliveries (attempts, status, error)."""
    with workspace.engine.connect() as conn:
        rows = conn.execute(select(alerts).order_by(alerts.c.id.desc()).limit(limit)).all()
        ids = [r.id for r in rows]
        sent = conn.execute(
            select(alert_deliveries)
            .where(alert_deliveries.c.alert_id.in_(ids))
            .order_by(alert_deliveries.c.channel)
        ).all()
    by_alert: dict[int, list[dict]] = {}
    for d in sent:
        by_alert.setdefault(d.alert_id, []).append(
            {
                "channel": d.channel,
                "status": d.status,
                "attempts": d.attempts,
                "last_attempt_at": as_utc(d.last_attempt_at),
                "next_attempt_at": as_utc(d.next_attempt_at),
                "sent_at": as_utc(d.sent_at),
                "error": d.error,
            }
        )
    history = []
    for r in rows:
        item = dict(r._mapping)
        for key in ("window_start", "window_end", "fired_at"):
            item[key] = as_utc(item[key])
        item["deliveries"] = by_alert.get(r.id, [])
        history.append(item)
    return history


def alerts_frame(workspace: Context, limit: int = 50) -> pd.DataFrame:
    """`alert_history` as a DataFrame, newest first; `deliveries` stays a list per alert."""
    import pandas as pd

    return pd.DataFrame(alert_history(workspace, limit=limit))
