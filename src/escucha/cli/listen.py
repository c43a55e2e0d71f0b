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


class Schedule:
    """When each source runs next with `--follow`: after its interval (a streaming source at
    once, its back-fill covers any gap), and after a failed run no sooner than an exponential
    backoff, min(backoff_cap, backoff_base × 2^(failures - 1)) s, so a source that keeps
    failing is not restarted in a tight loop."""

    def __init__(self, configs, now: float) -> None:
        self.configs = {c.name: c for c in configs}
        self.intervals = {
            c.name: 0.0 if c.options.get("stream") else interval_of(c) for c in configs
        }
        self.due = dict.fromkeys(self.configs, now)
        self.failures = dict.fromkeys(self.configs, 0)

    def next(self, now: float) -> tuple[str, float]:
        """The source due first, and how long until it is due (0 if it is)."""
        name = min(self.due, key=self.due.__getitem__)
        return name, max(0.0, self.due[name] - now)

    def ran(self, name: str, ok: bool, now: float) -> float:
        """Record a run's outcome; return the wait before the source's next run."""
        self.failures[name] = 0 if ok else self.failures[name] + 1
        wait = self.intervals[name]
        if self.failures[name]:
            from escucha.listen.http import HttpOptions

            options = HttpOptions.from_options(self.configs[name].options)
            backoff = options.backoff_base * 2 ** (self.failures[name] - 1)
            wait = max(wait, min(options.backoff_cap, backoff))
        self.due[name] = now + wait
        return wait


def follow(workspace, configs, stop: threading.Event) -> None:
    """Each source on its own interval until `stop` is set; a batch in progress completes."""
    from escucha.listen.collector import collect

    schedule = Schedule(configs, time.monotonic())
    while not stop.is_set():
        name, wait = schedule.next(time.monotonic())
        if wait > 0:
            stop.wait(wait)
            continue
        result = collect(workspace, schedule.configs[name], stop=stop.is_set)
        typer.echo(f"{datetime.now().isoformat(timespec='seconds')} {result.summary()}")
        schedule.ran(name, result.status != "error", time.monotonic())
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
