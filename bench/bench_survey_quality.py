"""Benchmark: 100,000 survey responses flagged and weighted, and exported to SPSS (the issue's
budgets: under 10 s each).

Synthetic responses (fixed seed) in the shape research/reading.py gives: three weighting
questions (age, sex, region; skewed away from the targets), a multiple choice, a 6-row
matrix, an attention check, NPS, a number, an open answer (given by 40%, words drawn from
Spanish or English phrases, some keyboard mashing and some pasted twice) and times; a few
honeypots, speeders, straight-liners and shared fingerprints. Times, best of --repeat, on one
core:
- `quality.flag` (every rule, language ID on the open answers included),
- `quality.select` + `results.weigh` (raking the kept complete responses to the targets),
- `exports.write(..., "sav")` of every response (pyreadstat).

    python bench/bench_survey_quality.py [--responses 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from machine import cpu_model

from escucha.research.definition import Choice, Definition, Kind, Language, Question, Row
from escucha.research.exports import write
from escucha.research.quality import flag, select
from escucha.research.results import weigh

SHARES = {
    "age": {"18-24": 0.12, "25-34": 0.18, "35-44": 0.2, "45-64": 0.3, "65+": 0.2},
    "sex": {"female": 0.51, "male": 0.49},
    "region": {"north": 0.15, "south": 0.2, "east": 0.15, "west": 0.2, "centre": 0.2, "isles": 0.1},
}
SAMPLE = {
    "age": [0.3, 0.3, 0.2, 0.15, 0.05],
    "sex": [0.35, 0.65],
    "region": [0.1, 0.15, 0.1, 0.15, 0.4, 0.1],
}
SPANISH = (
    "el servicio fue muy lento", "la comida llegó fría", "me gustaría que abrieran los domingos",
    "ojalá hubiera más opciones veganas", "todo perfecto gracias", "nadie contesta el teléfono",
)  # fmt: skip
ENGLISH = (
    "the staff were very kind", "please open later on sundays", "the app crashes when I pay",
    "prices went up again", "delivery took two weeks", "great coffee and friendly people",
)  # fmt: skip


def _choices(*names: str) -> tuple[Choice, ...]:
    return tuple(Choice(n, {"en": n, "es": n}) for n in names)


def definition() -> Definition:
    scale = _choices("1", "2", "3", "4", "5")
    return Definition(
        name="bench",
        title="Bench",
        languages=(Language("es", "Español"), Language("en", "English")),
        children=(
            *(Question(v, Kind.SINGLE, {"en": v}, choices=_choices(*SHARES[v])) for v in SHARES),
            Question("uses", Kind.MULTIPLE, {"en": "uses"}, choices=_choices("app", "web", "shop")),
            Question("grid", Kind.MATRIX, {"en": "rate"}, choices=scale,
                     rows=tuple(Row(f"g{i}", {"en": f"g{i}"}) for i in range(1, 7))),
            Question("check", Kind.SINGLE, {"en": "pick 2"}, choices=scale, attention_answer="2"),
            Question("recommend", Kind.NPS, {"en": "nps"}, choices=_choices(*map(str, range(11)))),
            Question("spend", Kind.INTEGER, {"en": "spend"}),
            Question("story", Kind.LONG_TEXT, {"en": "story"}),
        ),
    )  # fmt: skip


def responses(n: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    start = dt.datetime(2026, 11, 1, tzinfo=UTC)
    seconds = rng.lognormal(np.log(240), 0.4, n)
    seconds[rng.random(n) < 0.03] = 40.0  # speeders
    seconds[rng.random(n) < 0.005] = 5.0  # impossible
    data = {
        "id": np.arange(1, n + 1),
        "source": rng.choice(["mastodon", "newsletter", "web"], n),
        "lang": rng.choice(["es", "en"], n),
        "ua_class": rng.choice(["phone", "desktop", "tablet"], n),
        "status": np.where(rng.random(n) < 0.9, "complete", "in_progress"),
        "started_at": [start + dt.timedelta(seconds=int(i)) for i in range(n)],
        "total_seconds": seconds,
        "page_seconds": [[s / 2, s / 2] for s in seconds],
        "contact_id": np.where(rng.random(n) < 0.1, rng.integers(1, 5000, n), None),
        "fingerprint": [f"fp{v}" for v in rng.integers(0, int(n * 0.9), n)],
        "honeypot": rng.random(n) < 0.002,
        "version": 1,
    }
    data["submitted_at"] = [
        t + dt.timedelta(seconds=float(s)) for t, s in zip(data["started_at"], seconds, strict=True)
    ]
    for v, p in SAMPLE.items():
        data[v] = rng.choice(list(SHARES[v]), n, p=p)
    data["uses"] = [["app", "web", "shop"][: int(k)] for k in rng.integers(1, 4, n)]
    flat = rng.random(n) < 0.02
    for i in range(1, 7):
        data[f"g{i}"] = np.where(flat, "3", rng.choice(list("12345"), n))
    data["check"] = np.where(rng.random(n) < 0.05, "4", "2")
    data["recommend"] = rng.integers(0, 11, n).astype(str)
    data["spend"] = rng.integers(0, 500, n)
    data["story"] = [_story(rng) if rng.random() < 0.4 else None for _ in range(n)]
    return pd.DataFrame(data)


def _story(rng) -> str:
    roll = rng.random()
    if roll < 0.01:
        return "asdf qwer zxcv " + "".join(rng.choice(list("qwrtzxcvbnm"), 6))
    if roll < 0.02:
        return "Great product, I recommend it to everyone I know!"
    phrases = SPANISH if rng.random() < 0.5 else ENGLISH
    parts = rng.choice(len(phrases), rng.integers(1, 4), replace=False)
    return ", ".join(phrases[i] for i in parts) + f" ({int(rng.integers(0, 10_000))})"


def best(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - begin)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    survey = definition()
    frame = responses(args.responses)
    with tempfile.TemporaryDirectory() as folder:
        targets = Path(folder) / "targets.csv"
        rows = [f"{v},{c},{s}" for v, m in SHARES.items() for c, s in m.items()]
        targets.write_text("variable,category,share\n" + "\n".join(rows) + "\n")

        def flag_and_weigh() -> tuple[object, object, object]:
            flagged = flag(survey, frame)
            kept, exclusion = select(flagged[flagged["status"] == "complete"])
            _, diagnostics = weigh(kept, targets)
            return flagged, exclusion, diagnostics

        quality_s, (flagged, exclusion, diagnostics) = best(args.repeat, flag_and_weigh)
        sav = Path(folder) / "responses.sav"
        export_s, _ = best(args.repeat, lambda: write(survey, flagged, "sav", sav))
        sav_mb = sav.stat().st_size / 1e6
    result = {
        "responses": args.responses,
        "flag_select_and_weigh_seconds": round(quality_s, 3),
        "excluded": exclusion.as_dict(),
        "design_effect": round(diagnostics.design_effect, 4),
        "sav_export_seconds": round(export_s, 3),
        "sav_megabytes": round(sav_mb, 1),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
