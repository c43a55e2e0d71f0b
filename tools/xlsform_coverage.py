"""How much of pyxform's own test forms escucha imports (docs/surveys.md, "XLSForm coverage").

    python tools/xlsform_coverage.py PYXFORM_CHECKOUT [--json] [--list]

Runs `escucha.research.xlsform_in.read_xlsform` over every .xls/.xlsx/.xlsm form under
tests/example_xls and tests/bug_example_xls of a pyxform checkout, and over the markdown forms
written literally in its tests (literal `md=` arguments; forms built with .format() or
f-strings are counted as skipped). It prints how many import fully, how many partly (some rows
or columns rejected) and how many fail, and the features behind the rejections and failures,
counted once per form. Markdown forms that pyxform's own test expects to fail
(`errored=True`) are counted apart.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WORKBOOKS = ("tests/example_xls", "tests/bug_example_xls")
FEATURES = [
    (re.compile(r"^inside the (\w+) "), r"inside a \1 (rows of a rejected block)"),
    (re.compile(r"^(\w+)s are not supported"), r"\1"),
    (re.compile(r"^metadata field '([^']+)'"), r"metadata \1"),
    (re.compile(r"questions \('([^' ]+)"), r"type \1"),
    (re.compile(r"^external choice lists"), "external choice list"),
    (re.compile(r"^search\(\) appearances"), "external choice list (search())"),
    (re.compile(r"^unknown question type '([^' ]+)"), r"unknown type \1"),
    (re.compile(r"^column '([^':]+)(?:::?[^']*)?' on a group"), r"column \1 on a group"),
    (re.compile(r"^column '([^':]+)(?:::?[^']*)?' is not imported"), r"column \1"),
    (re.compile(r"^setting '([^']+)'"), r"setting \1"),
    (re.compile(r"unknown function ([\w:-]+\(\))"), r"function \1"),
    (re.compile(r"which was rejected"), "refers to a rejected question"),
    (re.compile(r"refers to unknown|pipes unknown"), "refers to an unknown name"),
    (re.compile(r"^choice list '.*' is not on"), "missing choice list"),
    (re.compile(r"is twice in list"), "duplicate choice"),
    (re.compile(r"^required "), "required as an expression"),
    (re.compile(r"^range parameter '(\w+)'"), r"range parameter \1"),
    (re.compile(r"^parameters|^range|^a range"), "parameters / range not representable"),
    (re.compile(r"^a calculation on"), "calculation on a non-calculate question"),
    (re.compile(r"^a calculate row needs"), "calculate without a calculation"),
    (re.compile(r"has no label"), "question without a label"),
    (re.compile(r"^sheet '(\w+)'"), r"sheet \1"),
    (re.compile(r"no name"), "row without a name"),
    (re.compile(r"no type"), "row without a type"),
    (re.compile(r"is not a valid name"), "invalid name"),
    (re.compile(r"go round a circle"), "cyclic display logic or calculation"),
    (re.compile(r"is already used on row"), "duplicate name"),
    (
        re.compile(r"no question escucha can import \(first: \w+ row \d+: (.*)\)$"),
        r"nothing left: \1",
    ),
    (re.compile(r"never ends|without begin"), "unbalanced group"),
    (re.compile(r"cannot read the form"), "unreadable file"),
    (re.compile(r": (?:character|unexpected|expected|the expression)"), "expression syntax"),
]


def feature_of(reason: str) -> str:
    """A rejection or failure reason without its row-specific detail."""
    for pattern, template in FEATURES:
        match = pattern.search(reason)
        if match:
            found = match.expand(template)
            return (
                feature_of(found[len("nothing left: ") :]) if found.startswith("nothing") else found
            )
    return "pyxform: " + reason.split(": ", 1)[-1][:60]


@dataclass
class Tally:
    full: list[str] = field(default_factory=list)
    partly: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    expected_failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0
    rejected_features: Counter[str] = field(default_factory=Counter)
    failure_features: Counter[str] = field(default_factory=Counter)


def markdown_forms(root: Path) -> tuple[list[tuple[str, str, bool]], int]:
    """(name, markdown, pyxform expects an error) for every literal md= form in the tests,
    and how many md= arguments were not literal."""
    forms, skipped = [], 0
    for path in sorted((root / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            local: dict[str, str] = {}
            for node in ast.walk(func):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                            local[target.id] = node.value.value
            n = 0
            for node in ast.walk(func):
                if not isinstance(node, ast.Call):
                    continue
                keywords = {k.arg: k.value for k in node.keywords}
                md = keywords.get("md")
                if md is None:
                    continue
                if isinstance(md, ast.Constant) and isinstance(md.value, str):
                    text = md.value
                elif isinstance(md, ast.Name) and md.id in local:
                    text = local[md.id]
                else:
                    skipped += 1
                    continue
                errored = keywords.get("errored")
                expects_error = isinstance(errored, ast.Constant) and errored.value is True
                n += 1
                name = f"{path.relative_to(root)}::{func.name}#{n}"
                forms.append((name, text, expects_error))
    return forms, skipped


def _run(path: Path, name: str, tally: Tally, expects_error: bool = False) -> None:
    from escucha.errors import UserError
    from escucha.research.xlsform_in import read_xlsform

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reading = read_xlsform(path)
    except UserError as exc:
        reason = str(exc).split(": ", 1)[-1]
        (tally.expected_failures if expects_error else tally.failed).append((name, reason))
        if not expects_error:
            tally.failure_features[feature_of(reason)] += 1
        return
    if expects_error:
        tally.expected_failures.append((name, "imported"))
        return
    if reading.rejected:
        tally.partly.append(name)
        for feature in {feature_of(r.reason) for r in reading.rejected}:
            tally.rejected_features[feature] += 1
    else:
        tally.full.append(name)


def measure(root: Path) -> Tally:
    tally = Tally()
    for folder in WORKBOOKS:
        for path in sorted((root / folder).glob("*")):
            if path.suffix.lower() in (".xls", ".xlsx", ".xlsm"):
                _run(path, f"{folder}/{path.name}", tally)
    forms, tally.skipped = markdown_forms(root)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, text, expects_error) in enumerate(forms):
            path = Path(tmp) / f"form{i}.md"
            path.write_text(text, encoding="utf-8")
            _run(path, name, tally, expects_error)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pyxform", type=Path, help="a checkout of XLSForm/pyxform")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--list", action="store_true", help="also list every failed form")
    args = parser.parse_args(argv)
    if not (args.pyxform / "tests" / "example_xls").is_dir():
        print(f"{args.pyxform}: no tests/example_xls here (a pyxform checkout?)", file=sys.stderr)
        return 1
    tally = measure(args.pyxform)
    total = len(tally.full) + len(tally.partly) + len(tally.failed)
    summary = {
        "forms": total,
        "full": len(tally.full),
        "partly": len(tally.partly),
        "failed": len(tally.failed),
        "pyxform_expects_error": len(tally.expected_failures),
        "pyxform_expects_error_and_escucha_imports": sum(
            1 for _, r in tally.expected_failures if r == "imported"
        ),
        "markdown_not_literal": tally.skipped,
        "rejected_features": dict(tally.rejected_features.most_common()),
        "failure_features": dict(tally.failure_features.most_common()),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"{total} forms: {summary['full']} import fully, {summary['partly']} partly "
        f"(rows or columns rejected), {summary['failed']} fail"
    )
    print(
        f"(plus {summary['pyxform_expects_error']} forms pyxform's tests expect to fail, "
        f"{summary['pyxform_expects_error_and_escucha_imports']} of which escucha imports; "
        f"{tally.skipped} markdown forms built by code were skipped)"
    )
    print("\nfeatures behind rejected rows (forms):")
    for feature, count in tally.rejected_features.most_common():
        print(f"  {count:5d}  {feature}")
    print("\nfeatures behind failed forms (forms):")
    for feature, count in tally.failure_features.most_common():
        print(f"  {count:5d}  {feature}")
    if args.list:
        print("\nfailed:")
        for name, reason in tally.failed:
            print(f"  {name}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
