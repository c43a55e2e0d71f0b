"""The `escucha` command. Command modules import heavy libraries inside their functions;
the Typer application (escucha.cli.app) is only built for a line other than a plain
`escucha classify` one (see escucha.cli.classify_lines)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a user error is one line on stderr and exit code 1 (`--debug` re-raises)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:1] == ["classify"]:
            from escucha.cli import classify_lines

            options = classify_lines.plain_options(args[1:])
            if options is not None:
                classify_lines.run(**options)
                return 0
        from escucha.cli.app import app, command, workspace_first

        # exits through SystemExit on success
        command(app)(args=workspace_first(args), prog_name="escucha")
    except Exception as exc:
        # escucha.errors (and the i18n package it imports) is only loaded for an error
        from escucha.errors import EscuchaError

        if not isinstance(exc, EscuchaError) or "--debug" in args:
            raise
        print(f"escucha: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("escucha: interrupted", file=sys.stderr)
        return 130
    return 0


__all__ = ["main"]
