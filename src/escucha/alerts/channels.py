"""Delivery channels: a generic webhook (the alert as JSON), a Slack-compatible webhook
(`{"text": ...}`, blocks optional) and email over SMTP. Secrets come from the environment or
secrets.toml and never appear in an error message."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from escucha.alerts.config import SECRET_KEYS, Channel, secret_env, secret_section
from escucha.errors import EscuchaError
from escucha.logredact import redact_http_logs

TIMEOUT = 10.0
USER_AGENT = "escucha-alerts/0.1"


class DeliveryError(EscuchaError):
    """A delivery failed; the message is safe to store and show (no URL, no credentials)."""


def channel_secrets(workspace: Path, channel: Channel) -> dict[str, str]:
    from escucha.core.secrets import credentials_for

    return credentials_for(workspace, secret_section(channel.name), SECRET_KEYS)


def redact(text: str, secrets: Mapping[str, str]) -> str:
    """The text with every secret value replaced by ***."""
    for value in sorted(secrets.values(), key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text


def _post_json(channel: Channel, body: dict, secrets: Mapping[str, str]) -> None:
    import httpx

    url = secrets.get("url")
    if not url:
        raise DeliveryError(
            f"no URL for channel '{channel.name}': set {secret_env(channel.name, 'url')} "
            f"or url under [{secret_section(channel.name)}] in secrets.toml"
        )
    headers = {"User-Agent": USER_AGENT}
    if secrets.get("token"):
        headers["Authorization"] = f"Bearer {secrets['token']}"
    try:
        redact_http_logs()
        response = httpx.post(
            url, json=body, headers=headers, timeout=channel.options.get("timeout", TIMEOUT)
        )
    except httpx.TimeoutException:
        raise DeliveryError("timed out") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"network error: {type(exc).__name__}: {exc}") from None
    if response.status_code >= 300:
        raise DeliveryError(f"the endpoint answered HTTP {response.status_code}")


def webhook_body(alert: Mapping[str, Any]) -> dict:
    """The generic webhook's JSON: the alert's fields, times in ISO 8601."""
    keys = ("id", "rule", "metric", "subject", "value", "message", "details")
    body = {key: alert[key] for key in keys}
    for key in ("window_start", "window_end", "fired_at"):
        body[key] = alert[key].isoformat()
    return body


def slack_body(alert: Mapping[str, Any], blocks: bool) -> dict:
    """`{"text": ...}` (Slack, Mattermost, Rocket.Chat...), with Block Kit blocks if asked."""
    text = f"*escucha alert* — {alert['message']}"
    quotes = alert["details"].get("quotes", [])
    body: dict[str, Any] = {"text": text}
    if blocks:
        body["blocks"] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            *(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"> {q['text']}"}]}
                for q in quotes
            ),
        ]
    return body


def email_message(channel: Channel, alert: Mapping[str, Any]) -> EmailMessage:
    options = channel.options
    to = options["to"] if isinstance(options["to"], list) else [options["to"]]
    message = EmailMessage()
    message["Subject"] = f"[escucha] {alert['rule']}: {alert['subject']}"[:200]
    message["From"] = options["sender"]
    message["To"] = ", ".join(to)
    lines = [alert["message"], ""]
    for quote in alert["details"].get("quotes", []):
        lines += [f"- {quote['author'] or '?'} ({quote['created_at'][:16]}): {quote['text']}"]
        if quote.get("url"):
            lines.append(f"  {quote['url']}")
    lines += ["", f"Rule: {alert['rule']} ({alert['metric']}). Sent by escucha."]
    message.set_content("\n".join(lines))
    return message


def _send_email(channel: Channel, alert: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
    options = channel.options
    starttls = bool(options.get("starttls", True))
    port = int(options.get("port", 587 if starttls else 25))
    user = options.get("user")
    if user and not secrets.get("password"):
        raise DeliveryError(
            f"no SMTP password for channel '{channel.name}': set "
            f"{secret_env(channel.name, 'password')} or password under "
            f"[{secret_section(channel.name)}] in secrets.toml"
        )
    try:
        with smtplib.SMTP(options["host"], port, timeout=TIMEOUT) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            if user:
                smtp.login(user, secrets["password"])
            smtp.send_message(email_message(channel, alert))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from None


def send(channel: Channel, alert: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
    """Deliver one alert; raises DeliveryError with a redacted message."""
    try:
        if channel.kind == "webhook":
            _post_json(channel, webhook_body(alert), secrets)
        elif channel.kind == "slack":
            _post_json(channel, slack_body(alert, bool(channel.options.get("blocks"))), secrets)
        else:
            _send_email(channel, alert, secrets)
    except DeliveryError as exc:
        raise DeliveryError(redact(str(exc), secrets)) from None
