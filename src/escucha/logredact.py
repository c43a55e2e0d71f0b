"""Keep secrets that live in URLs out of the logs of the HTTP libraries escucha uses.

httpx logs every request's full URL at INFO level; a webhook URL (Slack's carries its secret
in the path) or a feed URL with `?key=` would reach any log a user turns on. One filter on
those loggers cuts every URL down to its scheme and host.
"""

from __future__ import annotations

import logging
import re

_URL = re.compile(r"\b(https?|wss?)://(?:[^\s/@\"']+@)?([^\s/?#\"']+)[^\s\"']*")
_LOGGERS = ("httpx", "httpcore", "websockets", "urllib3", "mastodon", "praw", "prawcore")


def redact_urls(text: str) -> str:
    """'https://user:pw@hooks.example.org/T1/B2/secret?x=1' -> 'https://hooks.example.org/…'."""
    return _URL.sub(lambda m: f"{m[1]}://{m[2]}/…", text)


class _UrlRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_urls(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_REDACTOR = _UrlRedactor()


def redact_http_logs() -> None:
    """Install the filter once on the HTTP libraries' loggers (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
