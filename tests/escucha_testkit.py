"""Helpers shared by test folders (import as `from escucha_testkit import ...`)."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "src" / "escucha" / "demo"


def demo_rows(name: str, n: int, id_field: str) -> list[dict]:
    """The first `n` posts of one of the demo's bundled files, as an import reads them."""
    with gzip.open(DEMO / "data" / name, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, n)]
    return [
        {
            "id": str(r[id_field]),
            "author": r.get("author") or None,
            "created_at": r["created"],
            "text": r["text"],
            "url": f"https://example.org/{r[id_field]}",
        }
        for r in records
    ]


def demo_workspace(root: Path, n: int = 300):
    """An analysed workspace at `root` with the demo's brands and `n` posts of each file."""
    from escucha.workspace import init_workspace

    root.mkdir(parents=True, exist_ok=True)
    (root / "escucha.toml").write_text(
        (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    ws = init_workspace(root)
    for name, file, id_field in (
        ("es", "es_airline_tweets.jsonl.gz", "tweet_id"),
        ("en", "us_airline_tweets.jsonl.gz", "row"),
    ):
        path = root / f"{name}.jsonl"
        rows = demo_rows(file, n, id_field)
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        ws.import_file(path, source=name)
    ws.analyze()
    return ws
