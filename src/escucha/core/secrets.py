"""Credentials: environment variables first, then `<workspace>/secrets.toml` if owner-only.

A source named "acme-forum" reads `ESCUCHA_ACME_FORUM_API_KEY`, or `api_key` under
`[acme-forum]` in secrets.toml. Credentials only ever go to the connector that needs them.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path

from escucha.errors import UserError

SECRETS_FILE = "secrets.toml"


def env_name(source: str, key: str) -> str:
    """The environment variable holding `key` for a source: ESCUCHA_<SOURCE>_<KEY>."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", source).strip("_").upper()
    return f"ESCUCHA_{slug}_{key.upper()}"


def _secrets_file(workspace: Path) -> dict:
    path = workspace / SECRETS_FILE
    if not path.exists():
        return {}
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(
            f"{path}: readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run 'chmod 600 {path}' so only you can read it"
        )
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None


def credentials_for(
    workspace: Path,
    source: str,
    keys: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The credentials a source declares, from the environment or the secrets file."""
    environ = os.environ if environ is None else environ
    found = {k: environ[env_name(source, k)] for k in keys if environ.get(env_name(source, k))}
    if len(found) < len(keys):
        table = _secrets_file(workspace).get(source, {})
        if isinstance(table, dict):
            for key in keys:
                if key not in found and isinstance(table.get(key), str) and table[key]:
                    found[key] = table[key]
    return found
