"""Alerts: spikes per brand and per saved query, matches of saved queries, delivered once per
channel (webhook, Slack-compatible webhook, email) with retries.

    run_alerts(ws)                 # evaluate at the newest post, store, deliver
    run_alerts(ws, dry_run=True)   # what would fire; nothing stored or sent
    alert_history(ws)

Configuration and the spike rule: docs/ideas-and-alerts.md.
"""

from escucha.alerts.config import AlertConfig, load_alert_config, parse_alert_config
from escucha.alerts.run import alert_history, run_alerts

__all__ = ["AlertConfig", "alert_history", "load_alert_config", "parse_alert_config", "run_alerts"]
