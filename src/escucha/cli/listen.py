"""`escucha listen --once | --follow`: collect from every configured source."""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.errors import UserError

DEFAULT_INTERVAL = 300.0


def interval_of(config) -> float:
    value = config.options.get("interval", DEFAULT_INTERVAL)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise UserError(f"source {config.name!r}: 'interval' must be a number of seconds") from None
    if seconds <= 0:
        raise UserError(f"source {config.name!r}: 'interval' must be above 0")
    return seconds


def _stop_on_signals(stop: threading.Event) -> dict:
    """SIGTERM and the first Ctrl-C ask for a clean stop; a second Ctrl-C interrupts."""

    def handler(signum, _frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}


def without_streaming(config):
    """`--once` reads what is new and exits: a live stream becomes its REST back-fill."""
    from dataclasses import replace

    if not config.options.get("stream"):
        return config
    return replace(config, options={**config.options, "stream": False})


def run_once(workspace, configs) -> bool:
    """Collect once from each source, one summary line each; True if all went well."""
    from escucha.listen.collector import collect

    ok = True
    for config in configs:
        result = collect(workspace, without_streaming(config))
        typer.echo(result.summary())
        ok = ok and result.status != "error"
    return ok


def follow(workspace, configs, stop: threading.Event) -> None:
    """Each source on its own interval until `stop` is set; a batch in progress completes."""
    from escucha.listen.collector import collect

    # A streaming source is reconnected at once; its back-fill covers any gap.
    intervals = {c.name: 0.0 if c.options.get("stream") else interval_of(c) for c in configs}
    due = dict.fromkeys(intervals, time.monotonic())
    by_name = {c.name: c for c in configs}
    while not stop.is_set():
        name = min(due, key=due.__getitem__)
        wait = due[name] - time.monotonic()
        if wait > 0:
            stop.wait(wait)
            continue
        result = collect(workspace, by_name[name], stop=stop.is_set)
        typer.echo(f"{datetime.now().isoformat(timespec='seconds')} {result.summary()}")
        due[name] = time.monotonic() + intervals[name]
    typer.echo("stopped")


def listen(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Collect what is new, then exit.")] = False,
    follow_: Annotated[
        bool,
        typer.Option("--follow", help="Keep collecting, each source on its own interval."),
    ] = False,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources (repeatable).")
    ] = None,
) -> None:
    """Collect posts from the configured sources (Ctrl-C stops after the current batch)."""
    if once == follow_:
        raise UserError("choose one of --once or --follow")
    workspace = workspace_of(ctx)
    configs = [c for c in workspace.config.sources if not source or c.name in source]
    unknown = set(source or ()) - {c.name for c in configs}
    if unknown:
        raise UserError(f"no source named {', '.join(sorted(unknown))}; see 'escucha sources list'")
    if not configs:
        raise UserError("no sources configured; add one with 'escucha sources add KIND TARGET'")
    if once:
        if not run_once(workspace, configs):
            raise typer.Exit(1)
        return
    stop = threading.Event()
    previous = _stop_on_signals(stop)
    try:
        follow(workspace, configs, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
