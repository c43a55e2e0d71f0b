"""Score the honest-post guard on the annotated drafts: `python tools/guard_eval.py SPLIT`.

The drafts are every `tests/engage/data/guard_*.jsonl` file; SPLIT is a row's `split` (dev,
heldout, fresh, fresh2, fresh3, ...) or `all`.

Prints the table docs/guard.md and docs/model-card.md quote, and with `--errors` every draft
the guard gets wrong (use that on the dev half only)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from escucha.engage.guard import check, load_lists
from escucha.engage.scoring import score

DATA = Path(__file__).resolve().parents[1] / "tests" / "engage" / "data"


def load_rows() -> list[dict]:
    """Every annotated draft, from every `guard_*.jsonl` file."""
    return [
        json.loads(line)
        for path in sorted(DATA.glob("guard_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    rows = load_rows()
    parser.add_argument("split", choices=sorted({r["split"] for r in rows} | {"all"}))
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    lists = load_lists()
    found = {
        r["id"]: check(
            r["text"], brand=r["brand"], connection=r["connection"], lang=r["lang"], lists=lists
        )
        for r in rows
    }
    flags, clean = score(rows, lambda r: found[r["id"]].flag_names)
    print(f"{args.split}: {len(rows)} drafts")
    print("| flag | lang | support | precision | recall | F1 |")
    print("|---|---|---:|---:|---:|---:|")
    for s in flags:
        print(
            f"| {s.flag} | {s.lang} | {s.support} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.f1:.3f} |"
        )
    print("\n| lang | clean drafts | flagged | rate |")
    print("|---|---:|---:|---:|")
    for c in clean:
        print(f"| {c.lang} | {c.clean} | {c.flagged} | {c.rate:.3f} |")
    if args.errors:
        for r in rows:
            got = sorted(set(found[r["id"]].flag_names) - {"ask_not_ready"})
            if got != sorted(r["expected"]):
                print(f"\n{r['id']} {r['lang']} {r['connection']} want={r['expected']} got={got}")
                print("  ", r["text"][:300])
                for f in found[r["id"]].flags:
                    print("   ->", f.reason)


if __name__ == "__main__":
    main()
