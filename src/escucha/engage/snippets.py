"""Saved reply snippets in Spanish and English: the shipped file plus the workspace's own.

A snippet only starts a draft; it is never sent by itself (the draft goes through the guard
and an approval like any other).
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

from escucha.core.context import Context
from escucha.errors import ConfigError, UserError

SNIPPETS_FILE = "snippets.toml"  # the workspace's overrides, beside escucha.toml
LANGUAGES = ("es", "en")


def _read(text: str, origin: str) -> dict[str, dict[str, str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    out: dict[str, dict[str, str]] = {}
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(v, str) and v.strip() for v in table.values()
        ):
            raise ConfigError(f'{origin} [{name}]: expected es = "..." and en = "..." texts')
        out[name] = {lang: value.strip() for lang, value in table.items()}
    return out


def load_snippets(ctx: Context) -> dict[str, dict[str, str]]:
    """Every snippet by name and language; the workspace's file wins over the shipped one."""
    shipped = files("escucha.engage").joinpath("data", SNIPPETS_FILE).read_text(encoding="utf-8")
    found = _read(shipped, "escucha/engage/data/snippets.toml")
    own = Path(ctx.path) / SNIPPETS_FILE
    if own.is_file():
        for name, texts in _read(own.read_text(encoding="utf-8"), str(own)).items():
            found[name] = {**found.get(name, {}), **texts}
    return found


def snippet_text(ctx: Context, name: str, lang: str | None, author: str | None) -> str:
    """A snippet's text in `lang` (else the workspace's first language that has it)."""
    snippets = load_snippets(ctx)
    texts = snippets.get(name)
    if texts is None:
        raise UserError(f"no snippet {name!r}; snippets are {', '.join(sorted(snippets))}")
    order = [lang, *ctx.config.languages, *LANGUAGES]
    chosen = next((texts[code] for code in order if code and code in texts), None)
    if chosen is None:
        chosen = next(iter(texts.values()))
    if author:
        return chosen.replace("{author}", f"@{author.lstrip('@')}")
    # nobody to name: "Hola {author}, ..." and "Gracias, {author}." lose the name and its comma
    for form in (", {author}", " {author}", "{author}"):
        chosen = chosen.replace(form, "")
    return chosen
