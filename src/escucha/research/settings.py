"""`[research]` in escucha.toml: how survey links, invitations and the public form behave.

```toml
[research]
link_days = 30              # a personal link expires this many days after it is sent
reminder_after_days = 7     # one reminder (never more) once this many days have passed
questions_per_page = 5      # questions outside a group, per page (a group is one page)
form_posts_per_minute = 30  # posts to the public form per client address, then 429
```
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from escucha.config import Config
from escucha.errors import ConfigError

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class ResearchSettings:
    link_days: int = 30
    reminder_after_days: int = 7
    questions_per_page: int = 5
    form_posts_per_minute: int = 30


def research_settings(config: Config) -> ResearchSettings:
    """The `[research]` table, each value checked (a whole number >= 1)."""
    table = config.extra.get("research", {})
    where = "escucha.toml [research]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    known = {f.name for f in fields(ResearchSettings)}
    values: dict[str, int] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: {key!r} must be a whole number >= 1")
        values[key] = value
    return ResearchSettings(**values)


def base_url(config: Config) -> str:
    """Where respondents reach the web app: `[web] base_url`, else the local default."""
    return config.web.base_url or DEFAULT_BASE_URL
