"""The workspace configuration, `escucha.toml`: our brand, competitors, languages, sources."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from escucha.errors import ConfigError

CONFIG_FILE = "escucha.toml"
DEFAULT_DB_FILE = "escucha.db"
DATABASE_URL_ENV = "ESCUCHA_DATABASE_URL"


@dataclass(frozen=True)
class Brand:
    """A brand we listen for: ours or a competitor's."""

    name: str
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    ours: bool = False


@dataclass(frozen=True)
class SourceConfig:
    """One configured source; `options` keeps the kind-specific keys as written."""

    name: str
    kind: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CommunitySettings:
    """`[community]`: when we may ask a contact for a favour (docs/community.md)."""

    cooldown_days: int = 30  # no new ask within this many days of the last one
    max_asks_90d: int = 2  # at most this many asks in 90 days
    require_consent: bool = True  # ask only contacts with a recorded consent to be contacted
    require_give_since_ask: bool = True  # give something before asking again


APPROVAL_RULES = ("admin", "second_person")


@dataclass(frozen=True)
class EngageSettings:
    """`[engage]`: who may approve a reply before it is published (docs/engage.md)."""

    approval: str = "admin"  # admin: an admin approves; second_person: not its author


@dataclass(frozen=True)
class GuardSettings:
    """`[guard]`: the thresholds of the honest-post guard (docs/guard.md)."""

    visible_chars: int = 200  # a disclosure must start within the text shown before "more"
    hashtag_cluster: int = 4  # a disclosure tag in a run of this many tags is hidden
    hard_sell_min_parts: int = 2  # of offer, purchase call and urgency
    promotional_share_max: float = 0.20  # warn above this share of promotional posts
    promotional_window_days: int = 30  # ... among our posts of this many days


MIN_LINE_BYTES = 1024


@dataclass(frozen=True)
class ImportSettings:
    """`[import]`: limits on what one file may make an import hold (docs/importing.md)."""

    max_line_bytes: int = 1024 * 1024  # a longer line is rejected unread, in chunks


@dataclass(frozen=True)
class WebLimits:
    """`[web]`: what one request may cost the server (docs/configuration.md)."""

    query_seconds: float = 10.0  # a filter's query is stopped after this (503)
    cache_mb: int = 256  # memory of the computed results kept between requests
    token_requests_per_minute: int = 300  # API requests per token (429 beyond)
    user_requests_per_minute: int = 600  # API requests per user, all their tokens
    base_url: str | None = None  # where people reach the app: survey links are made on it
    # server mode (docs/server.md): the rate limits shared by every web worker process
    redis_url: str | None = None  # redis://127.0.0.1:6379/0; None: limits kept per process
    redis_max_connections: int = 20  # the Redis connection pool of each process
    db_pool_size: int = 5  # PostgreSQL connections each process keeps open ...
    db_max_overflow: int = 10  # ... and opens beyond them at a peak
    # `escucha serve` computes the pages read from every post in memory (themes, competitors,
    # opportunities) at start-up only in a store of at most this many posts (0: never)
    warm_frame_posts: int = 1_000_000


@dataclass(frozen=True)
class ThemeSettings:
    """`[themes]`: how theme finding bounds its memory (docs/themes.md, "Many posts")."""

    # a language with more posts has its themes found on a sample of this many, then every
    # post placed in them in chunks (0: never; below it, every post is clustered)
    sample_posts: int = 200_000


@dataclass(frozen=True)
class Config:
    name: str
    languages: tuple[str, ...]
    brand: Brand | None
    competitors: tuple[Brand, ...]
    sources: tuple[SourceConfig, ...]
    database_url: str | None = None
    community: CommunitySettings = field(default_factory=CommunitySettings)
    engage: EngageSettings = field(default_factory=EngageSettings)
    guard: GuardSettings = field(default_factory=GuardSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    web: WebLimits = field(default_factory=WebLimits)
    themes: ThemeSettings = field(default_factory=ThemeSettings)
    # Tables this module does not read (e.g. [[alerts]], [channels.*]), kept so that
    # rewriting the file (`escucha sources add`) never drops them.
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def brands(self) -> tuple[Brand, ...]:
        """Our brand first, then the competitors."""
        return ((self.brand,) if self.brand else ()) + self.competitors


def _strings(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _brand(table: object, where: str, ours: bool) -> Brand:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table with a 'name'")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' is missing or empty")
    if not name.isprintable():  # reads/posts.py joins a post's brands with a control character
        raise ConfigError(f"{where}: 'name' holds a control character")
    handles = tuple(h if h.startswith("@") else "@" + h for h in _strings(table, "handles", where))
    tags = tuple(h if h.startswith("#") else "#" + h for h in _strings(table, "hashtags", where))
    return Brand(name.strip(), _strings(table, "aliases", where), handles, tags, ours)


KNOWN_TABLES = (
    "workspace",
    "brand",
    "competitors",
    "sources",
    "community",
    "engage",
    "guard",
    "import",
    "web",
    "themes",
)


def _settings_table(table: object, where: str, known: type) -> dict:
    """A settings table's keys, each one the dataclass `known` has (one error line if not)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    fields = known.__dataclass_fields__  # type: ignore[attr-defined]
    for key in table:
        if key not in fields:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(fields)})")
    return table


def _whole(value: object, where: str, key: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where}: {key!r} must be a whole number >= {minimum}")
    return value


def _community(table: object, origin: str) -> CommunitySettings:
    where = f"{origin} [community]"
    table = _settings_table(table, where, CommunitySettings)
    defaults = CommunitySettings()
    values: dict[str, object] = {}
    for key, value in table.items():
        default = getattr(defaults, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {key!r} must be true or false")
        else:
            value = _whole(value, where, key, 0)
        values[key] = value
    return CommunitySettings(**values)  # type: ignore[arg-type]


def _engage(table: object, origin: str) -> EngageSettings:
    where = f"{origin} [engage]"
    table = _settings_table(table, where, EngageSettings)
    approval = table.get("approval", EngageSettings.approval)
    if approval not in APPROVAL_RULES:
        raise ConfigError(
            f"{where}: 'approval' must be one of {', '.join(map(repr, APPROVAL_RULES))}, "
            f"not {approval!r}"
        )
    return EngageSettings(approval=approval)


def _guard(table: object, origin: str) -> GuardSettings:
    where = f"{origin} [guard]"
    table = _settings_table(table, where, GuardSettings)
    values: dict[str, object] = {}
    for key, value in table.items():
        if key == "promotional_share_max":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= 1
            ):
                raise ConfigError(f"{where}: {key!r} must be a number between 0 and 1")
            value = float(value)
        else:
            value = _whole(value, where, key, 1)
        values[key] = value
    return GuardSettings(**values)  # type: ignore[arg-type]


def _import(table: object, origin: str) -> ImportSettings:
    where = f"{origin} [import]"
    table = _settings_table(table, where, ImportSettings)
    value = table.get("max_line_bytes", ImportSettings.max_line_bytes)
    return ImportSettings(max_line_bytes=_whole(value, where, "max_line_bytes", MIN_LINE_BYTES))


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _web(table: object, origin: str) -> WebLimits:
    where = f"{origin} [web]"
    table = _settings_table(table, where, WebLimits)
    values: dict[str, object] = {}
    for key, value in table.items():
        if key == "base_url":
            if not isinstance(value, str) or not value.startswith(("http://", "https://")):
                raise ConfigError(f"{where}: 'base_url' must be an http(s) URL")
            values[key] = value.rstrip("/")
            continue
        if key == "redis_url":
            if not isinstance(value, str) or not value.startswith(REDIS_SCHEMES):
                raise ConfigError(
                    f"{where}: 'redis_url' must be a redis://, rediss:// or unix:// URL"
                )
            values[key] = value
            continue
        if key in ("db_max_overflow", "warm_frame_posts"):
            values[key] = _whole(value, where, key, 0)
            continue
        if key == "query_seconds":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{where}: {key!r} must be a number of seconds above 0")
            value = float(value)
        else:
            value = _whole(value, where, key, 1)
        values[key] = value
    return WebLimits(**values)  # type: ignore[arg-type]


def _themes(table: object, origin: str) -> ThemeSettings:
    where = f"{origin} [themes]"
    table = _settings_table(table, where, ThemeSettings)
    value = table.get("sample_posts", ThemeSettings.sample_posts)
    return ThemeSettings(sample_posts=_whole(value, where, "sample_posts", 0))


def parse_config(data: dict, origin: str = CONFIG_FILE) -> Config:
    """Validate a parsed TOML document; every error names the file and the key."""
    ws = data.get("workspace", {})
    if not isinstance(ws, dict):
        raise ConfigError(f"{origin}: [workspace] must be a table")
    languages = _strings(ws, "languages", f"{origin} [workspace]") or ("es", "en")
    brand = _brand(data["brand"], f"{origin} [brand]", True) if "brand" in data else None
    comps = data.get("competitors", [])
    if not isinstance(comps, list):
        raise ConfigError(f"{origin}: competitors must be written as [[competitors]] tables")
    competitors = tuple(
        _brand(c, f"{origin} [[competitors]] #{i + 1}", False) for i, c in enumerate(comps)
    )
    names = [b.name.casefold() for b in ((brand,) if brand else ()) + competitors]
    if len(names) != len(set(names)):
        raise ConfigError(f"{origin}: two brands share a name")
    sources = []
    for i, s in enumerate(data.get("sources", [])):
        where = f"{origin} [[sources]] #{i + 1}"
        if not isinstance(s, dict) or not s.get("name") or not s.get("kind"):
            raise ConfigError(f"{where}: each source needs a 'name' and a 'kind'")
        opts = {k: v for k, v in s.items() if k not in ("name", "kind")}
        sources.append(SourceConfig(str(s["name"]), str(s["kind"]), opts))
    db_url = ws.get("database_url")
    if db_url is not None and not isinstance(db_url, str):
        raise ConfigError(f"{origin} [workspace]: 'database_url' must be a string")
    return Config(
        name=str(ws.get("name", "escucha workspace")),
        languages=languages,
        brand=brand,
        competitors=competitors,
        sources=tuple(sources),
        database_url=db_url,
        community=_community(data.get("community", {}), origin),
        engage=_engage(data.get("engage", {}), origin),
        guard=_guard(data.get("guard", {}), origin),
        imports=_import(data.get("import", {}), origin),
        web=_web(data.get("web", {}), origin),
        themes=_themes(data.get("themes", {}), origin),
        extra={k: v for k, v in data.items() if k not in KNOWN_TABLES},
    )


def load_config(workspace: Path) -> Config:
    path = workspace / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(f"{path}: no escucha workspace here (run 'escucha init' first)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_config(data, str(path))


def database_url(workspace: Path, config: Config) -> str:
    """The environment wins over the config file; the default is a SQLite file in the workspace."""
    url = os.environ.get(DATABASE_URL_ENV) or config.database_url
    if url:
        return url
    return f"sqlite:///{(workspace / DEFAULT_DB_FILE).resolve()}"


def _toml_list(values: tuple[str, ...]) -> str:
    return _toml_value(list(values))


def _toml_value(value: object) -> str:
    """A scalar or a list of scalars as TOML (source options are never nested deeper)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, datetime):
        return value.isoformat()
    return _toml_str(str(value))


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _brand_toml(header: str, brand: Brand) -> str:
    return (
        f"{header}\n"
        f"name = {_toml_str(brand.name)}\n"
        f"aliases = {_toml_list(brand.aliases)}\n"
        f"handles = {_toml_list(brand.handles)}\n"
        f"hashtags = {_toml_list(brand.hashtags)}\n"
    )


def render_config(config: Config) -> str:
    """Write a config as commented TOML. Secrets never live here (docs/configuration.md)."""
    parts = [
        "# escucha workspace configuration. See docs/configuration.md.\n",
        "[workspace]\n"
        f"name = {_toml_str(config.name)}\n"
        f"languages = {_toml_list(config.languages)}\n"
        '# database_url = "postgresql://user@127.0.0.1:5432/escucha"\n'
        "# (default: escucha.db in this folder; ESCUCHA_DATABASE_URL overrides both;\n"
        "# postgresql:// uses psycopg 3, so postgresql+psycopg:// is the same)\n",
    ]
    if config.brand:
        parts.append("# Our brand: aliases match as words, accent- and case-insensitive.\n")
        parts.append(_brand_toml("[brand]", config.brand))
    for comp in config.competitors:
        parts.append(_brand_toml("[[competitors]]", comp))
    for src in config.sources:
        lines = [f"name = {_toml_str(src.name)}", f"kind = {_toml_str(src.kind)}"]
        for key, value in src.options.items():
            lines.append(f"{key} = {_toml_value(value)}")
        parts.append("[[sources]]\n" + "\n".join(lines) + "\n")
    if config.community != CommunitySettings():
        values = {k: getattr(config.community, k) for k in CommunitySettings.__dataclass_fields__}
        parts.append(_table_toml("community", values))
    if config.engage != EngageSettings():
        values = {k: getattr(config.engage, k) for k in EngageSettings.__dataclass_fields__}
        parts.append(_table_toml("engage", values))
    if config.guard != GuardSettings():
        values = {k: getattr(config.guard, k) for k in GuardSettings.__dataclass_fields__}
        parts.append(_table_toml("guard", values))
    if config.imports != ImportSettings():
        values = {k: getattr(config.imports, k) for k in ImportSettings.__dataclass_fields__}
        parts.append(_table_toml("import", values))
    if config.web != WebLimits():
        values = {
            k: getattr(config.web, k)
            for k in WebLimits.__dataclass_fields__
            if getattr(config.web, k) is not None
        }
        parts.append(_table_toml("web", values))
    if config.themes != ThemeSettings():
        values = {k: getattr(config.themes, k) for k in ThemeSettings.__dataclass_fields__}
        parts.append(_table_toml("themes", values))
    parts.extend(_table_toml(key, value) for key, value in config.extra.items())
    return "\n".join(parts)


def _table_toml(name: str, value: object) -> str:
    """A table, an array of tables, or a top-level key of any depth, as TOML."""
    if isinstance(value, dict):
        scalars = [
            f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if not _is_table(v)
        ]
        nested = [
            _table_toml(f"{name}.{_toml_key(k)}", v) for k, v in value.items() if _is_table(v)
        ]
        return "\n".join([f"[{name}]", *scalars, "", *nested]).rstrip() + "\n"
    if isinstance(value, list) and _is_table(value):
        return "\n".join(
            _table_toml(name, item).replace(f"[{name}]", f"[[{name}]]", 1) for item in value
        )
    return f"{_toml_key(name)} = {_toml_value(value)}\n"


def _is_table(value: object) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def default_config(name: str = "my workspace") -> Config:
    """A starting point for `escucha init`: a placeholder brand the user edits."""
    return Config(
        name=name,
        languages=("es", "en"),
        brand=Brand("Our Brand", aliases=("OurBrand",), handles=("@ourbrand",), ours=True),
        competitors=(Brand("Competitor", handles=("@competitor",)),),
        sources=(),
    )
