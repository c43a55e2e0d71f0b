"""Sending a rendered digest: email over SMTP, or JSON POSTed to a webhook, signed.

Settings in escucha.toml's `[digests]` table: `smtp_host`, `smtp_port`, `smtp_user`,
`sender`, `starttls` (default true), `timeout`. Secrets never live there: the SMTP password
is ESCUCHA_DIGESTS_SMTP_PASSWORD or `password` under `[digests-smtp]` in secrets.toml, the
webhook's HMAC secret ESCUCHA_DIGESTS_WEBHOOK_SECRET or `secret` under `[digests-webhook]`
(the file is read only when no one but its owner can read it). Every error message is
redacted of them and of the webhook's URL."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from escucha.errors import ConfigError, EscuchaError

TIMEOUT = 10.0
USER_AGENT = "escucha-digests/0.1"
SMTP_SECRETS = "digests-smtp"
WEBHOOK_SECRETS = "digests-webhook"
SIGNATURE_HEADER = "X-Escucha-Signature"
KEY_HEADER = "Idempotency-Key"
_KEYS = ("smtp_host", "smtp_port", "smtp_user", "sender", "starttls", "timeout")


class DeliveryError(EscuchaError):
    """A digest was not accepted; the message names no URL and no secret."""


@dataclass(frozen=True)
class DigestSettings:
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    sender: str = "escucha@localhost"
    starttls: bool = True
    timeout: float = TIMEOUT


def digest_settings(extra: Mapping[str, Any]) -> DigestSettings:
    """The `[digests]` table of escucha.toml (Config.extra); one line naming a wrong key."""
    table = extra.get("digests", {})
    if not isinstance(table, dict):
        raise ConfigError("escucha.toml [digests] must be a table")
    for key in table:
        if key not in _KEYS:
            if key in ("password", "secret", "smtp_password"):
                raise ConfigError(
                    f"escucha.toml [digests]: '{key}' is a secret and never goes there; set "
                    "ESCUCHA_DIGESTS_SMTP_PASSWORD / ESCUCHA_DIGESTS_WEBHOOK_SECRET or use "
                    "secrets.toml"
                )
            known = ", ".join(_KEYS)
            raise ConfigError(f"escucha.toml [digests]: unknown key {key!r} (known: {known})")
    port = table.get("smtp_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or port <= 0):
        raise ConfigError("escucha.toml [digests]: 'smtp_port' must be a port number")
    return DigestSettings(
        smtp_host=table.get("smtp_host"),
        smtp_port=port,
        smtp_user=table.get("smtp_user"),
        sender=str(table.get("sender", DigestSettings.sender)),
        starttls=bool(table.get("starttls", True)),
        timeout=float(table.get("timeout", TIMEOUT)),
    )


def _secret(workspace: Path, section: str, key: str) -> str | None:
    from escucha.core.secrets import credentials_for

    return credentials_for(workspace, section, (key,)).get(key)


def _redact(text: str, *secrets: str | None) -> str:
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(value, "***")
    return text


def email_message(
    settings: DigestSettings, to: str, subject: str, text: str, html: str, key: str
) -> EmailMessage:
    """Text with an HTML alternative; the Message-ID is derived from the digest's key, the
    same on every attempt, so a mail system can tell a resend of one period."""
    message = EmailMessage()
    message["Subject"] = subject[:200]
    message["From"] = settings.sender
    message["To"] = to
    domain = settings.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{key}@{domain}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_email(
    workspace: Path, settings: DigestSettings, to: str, subject: str, text: str, html: str, key: str
) -> None:
    if not settings.smtp_host:
        raise DeliveryError(
            "no SMTP server: set smtp_host (and smtp_port, smtp_user, sender) under "
            "[digests] in escucha.toml"
        )
    password = _secret(workspace, SMTP_SECRETS, "password") if settings.smtp_user else None
    if settings.smtp_user and not password:
        raise DeliveryError(
            "no SMTP password: set ESCUCHA_DIGESTS_SMTP_PASSWORD or password under "
            f"[{SMTP_SECRETS}] in secrets.toml"
        )
    port = settings.smtp_port or (587 if settings.starttls else 25)
    try:
        with smtplib.SMTP(settings.smtp_host, port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                assert password is not None
                smtp.login(settings.smtp_user, password)
            smtp.send_message(email_message(settings, to, subject, text, html, key))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(_redact(f"SMTP: {type(exc).__name__}: {exc}", password)) from None


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the body>`, the value of X-Escucha-Signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(workspace: Path, settings: DigestSettings, url: str, body: dict, key: str) -> None:
    """POST the digest as JSON, with its key as Idempotency-Key and, when a secret is set,
    the body's HMAC-SHA256 in X-Escucha-Signature."""
    import httpx

    from escucha.logredact import redact_http_logs

    payload = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json", KEY_HEADER: key}
    secret = _secret(workspace, WEBHOOK_SECRETS, "secret")
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, payload)
    try:
        redact_http_logs()
        response = httpx.post(url, content=payload, headers=headers, timeout=settings.timeout)
    except httpx.TimeoutException:
        raise DeliveryError("the webhook timed out") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(_redact(f"network error: {type(exc).__name__}", url, secret)) from None
    if response.status_code >= 300:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}")
