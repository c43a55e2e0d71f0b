"""The alert settings in escucha.toml: `[alerting]` (brand spikes), `[[alerts]]` (rules on
saved queries) and `[channels.NAME]` (where alerts go). Secrets never live there."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from escucha.config import CONFIG_FILE
from escucha.errors import ConfigError

METRICS = ("volume", "negative_share")
KINDS = ("spike", "match")
CHANNEL_KINDS = ("webhook", "slack", "email")
SECRET_KEYS = ("url", "password", "token")  # read from the environment or secrets.toml
BRANDS_RULE = "brands"


@dataclass(frozen=True)
class Spike:
    """Last `window` against the mean + k·σ of the `baseline`'s earlier windows."""

    window: timedelta = timedelta(hours=24)
    baseline: timedelta = timedelta(days=7)
    k: float = 3.0
    min_count: int = 20


@dataclass(frozen=True)
class Rule:
    """A brand rule (query None: one subject per brand) or an [[alerts]] entry."""

    name: str
    kind: str  # spike | match
    query: str | None = None
    metrics: tuple[str, ...] = ("volume",)
    spike: Spike = Spike()
    threshold: int = 1  # match: at least this many new posts
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str  # webhook | slack | email
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertConfig:
    rules: tuple[Rule, ...]
    channels: dict[str, Channel]


def _number(table: dict, key: str, default: float, where: str, kind: type = float) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{where}: '{key}' must be a positive number")
    if kind is int and value != int(value):
        raise ConfigError(f"{where}: '{key}' must be a whole number")
    return kind(value)


def _names(table: dict, key: str, where: str, allowed: tuple[str, ...] | None = None) -> tuple:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of names")
    for v in value:
        if allowed is not None and v not in allowed:
            raise ConfigError(f"{where}: '{key}' has '{v}'; use {', '.join(allowed)}")
    return tuple(value)


def _spike(table: dict, where: str) -> Spike:
    window = _number(table, "window_hours", 24, where, int)
    baseline = _number(table, "baseline_days", 7, where, int)
    if baseline * 24 < 2 * window:
        raise ConfigError(f"{where}: the baseline must hold at least two windows")
    return Spike(
        window=timedelta(hours=window),
        baseline=timedelta(days=baseline),
        k=_number(table, "k", 3, where),
        min_count=_number(table, "min_count", 20, where, int),
    )


def _brand_rule(table: object, origin: str) -> Rule | None:
    where = f"{origin} [alerting]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    if not table.get("brands", True):
        return None
    return Rule(
        name=BRANDS_RULE,
        kind="spike",
        metrics=_names(table, "metrics", where, METRICS) or METRICS,
        spike=_spike(table, where),
        channels=_names(table, "channels", where),
    )


def _rule(table: object, where: str) -> Rule:
    from escucha.query import QuerySyntaxError, parse

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    name, query = table.get("name"), table.get("query")
    if not isinstance(name, str) or not name.strip() or name.strip() == BRANDS_RULE:
        raise ConfigError(f"{where}: 'name' is missing, empty or the reserved '{BRANDS_RULE}'")
    where = f"{where} ({name.strip()})"
    if not isinstance(query, str) or not query.strip():
        raise ConfigError(f"{where}: 'query' is missing")
    try:
        parse(query)
    except QuerySyntaxError as exc:
        raise ConfigError(f"{where}: query: {exc}") from None
    kind = table.get("kind", "spike")
    if kind not in KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    return Rule(
        name=name.strip(),
        kind=kind,
        query=query.strip(),
        metrics=_names(table, "metrics", where, METRICS) or ("volume",),
        spike=_spike(table, where),
        threshold=_number(table, "threshold", 1, where, int),
        channels=_names(table, "channels", where),
    )


def _channel(name: str, table: object, origin: str) -> Channel:
    where = f"{origin} [channels.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    kind = table.get("kind")
    if kind not in CHANNEL_KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(CHANNEL_KINDS)}")
    for key in table:
        if key in SECRET_KEYS or key.endswith("_url"):
            raise ConfigError(
                f"{where}: '{key}' is a secret and never goes in {CONFIG_FILE}; set "
                f"{secret_env(name, key)} or put it under [{secret_section(name)}] in secrets.toml"
            )
    if kind == "email":
        for key in ("host", "sender", "to"):
            if not table.get(key):
                raise ConfigError(f"{where}: an email channel needs '{key}'")
        _names(table, "to", where)
    return Channel(name, kind, {k: v for k, v in table.items() if k != "kind"})


def secret_section(channel: str) -> str:
    """The secrets.toml table and environment prefix of a channel's secrets."""
    return f"channel-{channel}"


def secret_env(channel: str, key: str) -> str:
    from escucha.core.secrets import env_name

    return env_name(secret_section(channel), key)


def parse_alert_config(data: dict, origin: str = CONFIG_FILE) -> AlertConfig:
    """Validate the alert tables of a parsed escucha.toml; errors name the file and the key."""
    channels_table = data.get("channels", {})
    if not isinstance(channels_table, dict):
        raise ConfigError(f"{origin}: channels must be written as [channels.NAME] tables")
    channels = {name: _channel(name, t, origin) for name, t in channels_table.items()}
    entries = data.get("alerts", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: alerts must be written as [[alerts]] tables")
    rules = [_rule(t, f"{origin} [[alerts]] #{i + 1}") for i, t in enumerate(entries)]
    brand = _brand_rule(data.get("alerting", {}), origin)
    rules = ([brand] if brand else []) + rules
    names = [r.name for r in rules]
    if len(names) != len(set(names)):
        raise ConfigError(f"{origin}: two [[alerts]] share a name")
    for rule in rules:
        for channel in rule.channels:
            if channel not in channels:
                raise ConfigError(
                    f"{origin}: alert '{rule.name}' sends to '{channel}', "
                    f"but there is no [channels.{channel}]"
                )
    return AlertConfig(tuple(rules), channels)


def load_alert_config(workspace: Path) -> AlertConfig:
    path = workspace / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_alert_config(data, str(path))
