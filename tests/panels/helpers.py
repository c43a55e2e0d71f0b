"""Builders shared by the product tests' tests: people with attributes, a panel, the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

from escucha.cli import main
from escucha.community.importer import import_contacts

HEADER = ["name", "email", "lang", "country", "opted_out", "consent", "age", "connection"]


def write_people(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def people(ws, tmp_path: Path, rows: list[list[str]]) -> dict[str, int]:
    """Import the rows; return name -> contact id."""
    from escucha.community.views import list_contacts

    import_contacts(ws, write_people(tmp_path / "people.csv", rows), rejects_dir=tmp_path / "r")
    return {c["name"]: c["id"] for c in list_contacts(ws)}


def crowd(n: int, *, young: int = 0) -> list[list[str]]:
    """n ask-ready people (consent yes, an email); the first `young` are age 18-34."""
    return [
        [
            f"P{i:02d}",
            f"p{i}@example.org",
            "es",
            "ES",
            "",
            "yes",
            "18-34" if i < young else "35-54",
            "",
        ]
        for i in range(n)
    ]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as done:
        code = done.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err
