"""Rebuild the bundled demo data from ../shared/data/airlines (developers only).

The published US airline file was once split on every ';', so a tweet containing an HTML
entity such as '&gt;' lost its tail to the next columns ('created', 'location', ...). This
script joins those pieces back, takes the first field that reads as a date as the tweet's
date, and writes gzip-compressed JSON Lines into src/escucha/demo/data/. It prints how many
rows it repaired and how many it could not.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
from pathlib import Path

DATE = re.compile(r"^\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [-+]\d{4})(?:,\s*)?(.*)$")
TAIL = ("created", "location", "user_timezone")


def repair_us_row(row: dict) -> tuple[dict, str]:
    """Return the row with text and date restored, and what was done: ok, repaired, unrepaired."""
    if DATE.match(row["created"] or ""):
        return row, "ok"
    pieces = [row["text"]]
    for key in TAIL:
        match = DATE.match(row[key] or "")
        if match:
            fixed = dict(row, text=";".join(pieces), created=match[1])
            fixed["location"], fixed["user_timezone"] = match[2], ""
            if key != "user_timezone" and row.get("user_timezone"):
                fixed["user_timezone"] = row["user_timezone"]
            return fixed, "repaired"
        if key == "created" and not row[key]:
            continue  # an empty date column: the date moved one column on
        if key == "created" and row[key].startswith("["):
            continue  # tweet coordinates took the date's column
        if row[key]:
            pieces.append(row[key])
    return row, "unrepaired"


def _gzip_text(path: Path) -> io.TextIOWrapper:
    """A text writer whose gzip header carries no timestamp, so rebuilds are byte-identical."""
    return io.TextIOWrapper(gzip.GzipFile(path, "wb", mtime=0), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("src/escucha/demo/data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    airlines = args.data / "airlines"
    counts = {"ok": 0, "repaired": 0, "unrepaired": 0}
    with _gzip_text(args.out / "us_airline_tweets.jsonl.gz") as out:
        for line in (airlines / "us_airline_tweets.jsonl").open(encoding="utf-8"):
            row, outcome = repair_us_row(json.loads(line))
            counts[outcome] += 1
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"us_airline_tweets: {counts}")
    with _gzip_text(args.out / "es_airline_tweets.jsonl.gz") as out:
        for line in (airlines / "es_airline_tweets.jsonl").open(encoding="utf-8"):
            out.write(line if line.endswith("\n") else line + "\n")
    print("es_airline_tweets: copied")


if __name__ == "__main__":
    main()
