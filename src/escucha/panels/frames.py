"""The Python API's view of a product test: `ws.panel(ID).testers()` and `.feedback()` as
pandas DataFrames (the same functions the CLI, web and REST API call)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from escucha.core.context import Context
from escucha.panels.define import get_panel

if TYPE_CHECKING:
    import pandas as pd

TESTER_COLUMNS = (
    "tester_id",
    "contact_id",
    "status",
    "cell",
    "received",
    "received_at",
    "phases_done",
    "reminders",
    "invited_at",
    "drop_reason",
    "updated_at",
    "quality",
)
FEEDBACK_COLUMNS = (
    "id",
    "tester_id",
    "contact_id",
    "kind",
    "severity",
    "phase",
    "text",
    "steps",
    "confirms",
    "lang",
    "intents",
    "created_at",
)


@dataclass(frozen=True)
class Panel:
    ctx: Context
    id: int

    def info(self) -> dict:
        return get_panel(self.ctx, self.id)

    def testers(self) -> pd.DataFrame:
        """One row per tester: status, what they received, phases, reminders, quality score."""
        import pandas as pd

        from escucha.panels.quality import scores
        from escucha.panels.testers import list_testers

        quality = scores(self.ctx, self.id)
        rows = [
            t | {"quality": (quality.get(t["tester_id"]) or {}).get("score")}
            for t in list_testers(self.ctx, self.id)
        ]
        return pd.DataFrame(rows, columns=list(TESTER_COLUMNS))

    def feedback(self) -> pd.DataFrame:
        """One row per report; `contact_id` is empty for an erased tester."""
        import pandas as pd

        from escucha.panels.feedback import feedback_rows

        return pd.DataFrame(feedback_rows(self.ctx, self.id), columns=list(FEEDBACK_COLUMNS))

    def results(self) -> dict:
        from escucha.panels.results import panel_results

        return panel_results(self.ctx, self.id)


def open_panel(ctx: Context, panel_id: int) -> Panel:
    """The product test (NotFound when there is none)."""
    get_panel(ctx, panel_id)
    return Panel(ctx, panel_id)
