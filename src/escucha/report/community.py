"""The brand's health as an honest member of its community: gives and asks per month, as the
report and the web app's ledger page show them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from escucha.report.charts import give_ask_chart

if TYPE_CHECKING:
    from escucha.i18n import Catalogue


def give_ask_section(months: Sequence[dict], t: Catalogue) -> dict[str, Any]:
    """`months`: community.ledger.give_ask_by_month's rows, oldest first. The table lists them
    newest first; `warning` names the months where asks outran gives."""
    warned = [m["month"] for m in months if m["warning"]]
    recorded = any(m["gives"] or m["asks"] for m in months)
    return {
        "empty": None if recorded else t["report_give_ask_empty"],
        "chart": give_ask_chart(months, t),
        "warning": t.text("ledger_warning", months=", ".join(warned)) if warned else None,
        "rows": [
            {
                "month": m["month"],
                "gives": t.number(m["gives"]),
                "asks": t.number(m["asks"]),
                "ratio": t.decimal(m["ratio"]) if m["ratio"] is not None else t["none"],
                "warning": m["warning"],
            }
            for m in reversed(months)
        ],
    }
