"""Phase questionnaires: a phase answered through a survey (surveys, research/), and the
testers' ratings per phase with their sample sizes and NPS, from the complete responses of
the test's testers (answers given on a tester's personal survey link carry their contact).

The numbers are plain counts and means of volunteers' answers: no weights, no intervals, no
margin of error (the report's caveats say why). An erased tester's responses lose their
contact, so they leave these numbers (their free reports stay, anonymous).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import NotFound, UserError
from escucha.panels.define import get_panel
from escucha.store.schema.panels import panel_phases, panel_testers


def link_survey(ctx: Context, panel_id: int, position: int, survey_id: int) -> dict:
    """Answer the test's phase `position` through survey `survey_id`."""
    from escucha.research.surveys import get_survey

    panel = get_panel(ctx, panel_id)
    positions = {p["position"] for p in panel["phases"]}
    if position not in positions:
        shown = ", ".join(map(str, sorted(positions))) or "none"
        raise UserError(f"phase {position}: the test's phases are {shown}")
    get_survey(ctx, survey_id)  # NotFound names the survey
    with ctx.engine.begin() as conn:
        conn.execute(
            panel_phases.update()
            .where(panel_phases.c.panel_id == panel_id, panel_phases.c.position == position)
            .values(survey_id=survey_id)
        )
    return get_panel(ctx, panel_id)


def phase_results(ctx: Context, panel_id: int) -> list[dict[str, Any]]:
    """Per phase with a survey: testers' complete responses, ratings (mean, n) and NPS."""
    from escucha.research.analysis import analyze
    from escucha.research.columns import COMPLETE
    from escucha.research.quality import Exclusion
    from escucha.research.responses import responses_frame
    from escucha.research.surveys import get_survey

    panel = get_panel(ctx, panel_id)
    with ctx.engine.connect() as conn:
        contacts = set(
            conn.scalars(
                sa.select(panel_testers.c.contact_id).where(
                    panel_testers.c.panel_id == panel_id, panel_testers.c.contact_id.is_not(None)
                )
            )
        )
    out = []
    for phase in panel["phases"]:
        item: dict[str, Any] = {"position": phase["position"], "name": phase["name"],
                                "survey_id": phase["survey_id"], "responses": 0,
                                "ratings": [], "nps": []}  # fmt: skip
        out.append(item)
        if phase["survey_id"] is None:
            continue
        try:
            survey = get_survey(ctx, phase["survey_id"])
        except NotFound:
            continue
        frame = responses_frame(ctx, phase["survey_id"])
        mine = frame["contact_id"].isin(contacts) & (frame["status"] == COMPLETE)
        rows = frame[mine.to_numpy()]
        item["responses"] = len(rows)
        if rows.empty:
            continue
        found = analyze(survey.definition, rows, Exclusion("none", 0, {}), draws=0)
        for question in found["questions"]:
            label = question.get("label") or question["name"]
            if "mean" in question and question["kind"] == "rating":
                item["ratings"].append({"question": question["name"], "label": label,
                                        "n": question["mean"]["n"],
                                        "mean": question["mean"]["mean"]})  # fmt: skip
            if "nps" in question:
                item["nps"].append({"question": question["name"], "label": label,
                                    "n": question["nps"]["n"],
                                    "score": question["nps"]["score"]})  # fmt: skip
    return out
