"""The `escucha` command. Command modules import heavy libraries inside their functions."""

from __future__ import annotations

import sys

from escucha.cli.app import app, command, workspace_first


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a user error is one line on stderr and exit code 1 (`--debug` re-raises)."""
    from escucha.errors import EscuchaError

    args = sys.argv[1:] if argv is None else argv
    try:
        # exits through SystemExit on success
        command(app)(args=workspace_first(args), prog_name="escucha")
    except EscuchaError as exc:
        if "--debug" in args:
            raise
        print(f"escucha: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("escucha: interrupted", file=sys.stderr)
        return 130
    return 0


__all__ = ["app", "main"]
