"""Running `escucha` in a test: exit code, standard output and standard error."""

from __future__ import annotations

from escucha.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as done:  # a command that succeeds exits through SystemExit
        code = done.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err
