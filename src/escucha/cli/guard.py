"""`escucha guard`: the honest-post guard over JSON lines (docs/guard.md)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

if TYPE_CHECKING:
    from escucha.engage.guard import GuardLists, GuardSettings


def _user_error(message: str) -> Exception:
    from escucha.errors import UserError

    return UserError(message)


def _parse(line: str) -> tuple[dict | None, str]:
    """The record of one input line, or None and the reason it is rejected."""
    from escucha.engage.guard import CONNECTIONS

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    if obj.get("id") is None:
        return None, "missing id"
    if not isinstance(obj.get("text"), str):
        return None, "missing or non-string text"
    if not isinstance(obj.get("brand") or "", str):
        return None, "brand must be a string"
    connection = obj.get("connection") or "none"
    if connection not in CONNECTIONS:
        return None, f"unknown connection {connection!r} (known: {', '.join(CONNECTIONS)})"
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        return None, "lang must be a string"
    return obj, ""


def guard_stream(
    source: TextIO, sink: TextIO, settings: GuardSettings, lists: GuardLists
) -> tuple[int, int]:
    """Check every good line of `source` into `sink`; returns (checked, skipped)."""
    from escucha.engage.guard import check

    checked = skipped = 0
    out: list[str] = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        obj, reason = _parse(line)
        if obj is None:
            skipped += 1
            typer.echo(f"escucha guard: line {number}: {reason}; skipped", err=True)
            continue
        verdict = check(
            obj["text"],
            brand=obj.get("brand") or "",
            connection=obj.get("connection") or "none",
            lang=obj.get("lang") or None,
            settings=settings,
            lists=lists,
        )
        out.append(json.dumps(verdict.to_json(obj["id"]), ensure_ascii=False))
        checked += 1
        if len(out) >= 1000:
            sink.write("\n".join(out) + "\n")
            sink.flush()
            out = []
    if out:
        sink.write("\n".join(out) + "\n")
        sink.flush()
    return checked, skipped


def _workspace_guard(folder: Path | None) -> tuple[GuardSettings, GuardLists]:
    """The workspace's [guard] thresholds and word lists; the shipped ones outside a workspace."""
    from escucha.config import CONFIG_FILE, load_config
    from escucha.engage.guard import GuardSettings, load_lists

    folder = folder or Path.cwd()
    if not (folder / CONFIG_FILE).is_file():
        return GuardSettings(), load_lists()
    return load_config(folder).guard, load_lists(folder)


def guard(
    ctx: typer.Context,
    input_path: Annotated[
        str,
        typer.Option(
            "--in", help="JSON lines with id, text, brand, connection, lang ('-': stdin)."
        ),
    ],
    output_path: Annotated[
        str, typer.Option("--out", help="Where to write the verdicts ('-': stdout).")
    ],
) -> None:
    """Check drafts and connected authors' posts for covert advertising and hard selling."""
    folder = (ctx.obj or {}).get("workspace")
    settings, lists = _workspace_guard(Path(folder) if folder else None)
    if input_path != "-" and not Path(input_path).is_file():
        raise _user_error(f"input file not found: {input_path}")
    source = (
        io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        if input_path == "-" and hasattr(sys.stdin, "buffer")
        else sys.stdin
        if input_path == "-"
        else open(input_path, encoding="utf-8", errors="replace")  # noqa: SIM115
    )
    try:
        sink = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _user_error(f"cannot write {output_path}: {exc.strerror}") from exc
    try:
        checked, skipped = guard_stream(source, sink, settings, lists)
    finally:
        if source is not sys.stdin:
            source.close()
        if sink is not sys.stdout:
            sink.close()
    typer.echo(f"escucha guard: {checked} checked, {skipped} skipped", err=True)
