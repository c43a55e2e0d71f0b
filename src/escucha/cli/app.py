"""The Typer application and the options every command shares; its commands come from the
plugin registry (escucha.features and outside plugins)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pluggy

WORKSPACE_HELP = "Workspace folder (default: the current one)."


def _options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help=WORKSPACE_HELP),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "debug": debug}


def build_app(plugins: pluggy.PluginManager | None = None) -> typer.Typer:
    """The `escucha` command with every registered plugin's commands (default registry:
    escucha.plugins.manager.plugin_manager())."""
    from escucha.plugins.manager import add_commands

    cli = typer.Typer(
        name="escucha",
        help="Listen to what customers wish for and worry about, and how you compare.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    cli.callback()(_options)
    add_commands(cli, plugins)
    return cli


app = build_app()


def command(cli: typer.Typer) -> Callable[..., Any]:
    """The command `cli` runs, with boolean flags shown without a value in the help (Typer's
    rich help would print "<bool>" after them)."""
    from typer.main import get_command

    root = get_command(cli)
    _plain_flags(root)
    return root


def _plain_flags(cmd: Any) -> None:
    # --help too: it is made (and kept) on first use, from the context's help option names
    names = SimpleNamespace(help_option_names=["--help"])
    helper = cmd.get_help_option(names) if hasattr(cmd, "get_help_option") else None
    for param in [*getattr(cmd, "params", ()), *([helper] if helper else [])]:
        if getattr(param, "is_flag", False):
            param.metavar = ""
    for sub in getattr(cmd, "commands", {}).values():
        _plain_flags(sub)


def workspace_first(args: list[str]) -> list[str]:
    """`args` with every `--workspace DIR` / `-w DIR` moved before the subcommand, so the
    option works anywhere on the line (`escucha status -w demo`); nothing after `--` moves."""
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in ("-w", "--workspace") and i + 1 < len(args):
            moved += [arg, args[i + 1]]
            i += 2
            continue
        if arg.startswith("--workspace="):
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return moved + rest
