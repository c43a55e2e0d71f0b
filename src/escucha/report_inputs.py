"""Gather what the report shows from a workspace, so the report itself stays a pure function."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from escucha.i18n import Message

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context
    from escucha.insights.compare import Comparison
    from escucha.insights.periods import Period, PeriodChoice
    from escucha.status import WorkspaceStatus


def brand_dicts(workspace: Context) -> list[dict]:
    return [
        {
            "name": b.name,
            "ours": b.ours,
            "aliases": list(b.aliases),
            "handles": list(b.handles),
            "hashtags": list(b.hashtags),
        }
        for b in workspace.config.brands
    ]


def source_dicts(workspace: Context, status: WorkspaceStatus) -> list[dict]:
    """Per source: what its imports accepted, found duplicate and rejected, and its period."""
    from escucha.reads.sources import runs

    with workspace.engine.connect() as conn:
        found_runs = runs(conn)
    totals: dict[str, dict] = {}
    for run in found_runs:
        entry = totals.setdefault(
            run.source,
            {
                "source": run.source,
                "location": run.location,
                "accepted": 0,
                "duplicate": 0,
                "rejected": 0,
                "coverage": Message("coverage_file"),
            },
        )
        entry["accepted"] += run.accepted or 0
        entry["duplicate"] += run.duplicate or 0
        entry["rejected"] += run.rejected or 0
        entry["location"] = run.location
    for health in status["listening"]:
        if health["name"] in totals:
            totals[health["name"]]["coverage"] = f"{health['kind']}: {health['coverage']}"
    for src in status["sources"]:
        if src["source"] in totals:
            first, last = src["first_post"], src["last_post"]
            totals[src["source"]]["first_post"] = datetime.fromisoformat(first) if first else None
            totals[src["source"]]["last_post"] = datetime.fromisoformat(last) if last else None
    return list(totals.values())


def write_report(
    workspace: Context,
    out: Path,
    posts: pd.DataFrame | None = None,
    lang: str | None = None,
    period: PeriodChoice | None = None,
) -> Path:
    """Write the HTML report to `out`; the file appears whole or not at all. `lang`: its
    language (escucha.i18n.LANGUAGES), by default the workspace's first configured language
    that has one. `period`: the posts it covers and the period they are compared with."""
    from escucha.i18n import first_supported

    lang = lang or first_supported(workspace.config.languages)
    html = report_html(workspace, lang, posts, period)  # before the folder: errors first
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    return out.resolve()


def periods_of(
    workspace: Context, posts: pd.DataFrame, period: PeriodChoice | None
) -> tuple[pd.DataFrame, Period | None, Comparison | None]:
    """The posts of the chosen period, that period, and its comparison (None without)."""
    from dataclasses import asdict

    from escucha.errors import UserError
    from escucha.i18n import Message
    from escucha.insights import brand_words
    from escucha.insights.common import normalised
    from escucha.insights.compare import compare_periods
    from escucha.insights.periods import frame_days, in_period

    if period is None or (period.empty and period.compare is None):
        return posts, None, None
    frame = normalised(posts)
    oldest, newest = frame_days(frame)
    chosen = period.resolve(newest, oldest)
    comparison = None
    if period.compare is not None:
        if chosen.current is None or chosen.compared is None:
            raise UserError(Message("period_compare_needs_period"))
        exclude = frozenset(brand_words(asdict(b) for b in workspace.config.brands))
        comparison = compare_periods(frame, chosen.compared, chosen.current, exclude=exclude)
    return in_period(frame, chosen.current), chosen.current, comparison


def report_html(
    workspace: Context,
    lang: str,
    posts: pd.DataFrame | None = None,
    period: PeriodChoice | None = None,
) -> str:
    """The report of the workspace as it is, in UI language `lang`: reads the store, writes
    nothing (ideas are not refreshed nor alerts run here; the report shows what is stored).
    `period`: only the posts of that period, compared with another if it says so."""
    from escucha.alerts import alert_history
    from escucha.community.ledger import give_ask_by_month
    from escucha.enrich import current_model_version
    from escucha.frames import posts_frame
    from escucha.ideas import list_ideas
    from escucha.report import render_report
    from escucha.report.backlog import ALERTS_SHOWN
    from escucha.status import workspace_status
    from escucha.understand import shipped_metrics

    status = workspace_status(workspace)
    frame = posts_frame(workspace) if posts is None else posts
    frame, shown, comparison = periods_of(workspace, frame, period)
    extra = {} if shown is None and comparison is None else {"period": shown}
    if comparison is not None:
        extra["comparison"] = comparison
    return render_report(
        frame,
        workspace_name=workspace.config.name,
        brands=brand_dicts(workspace),
        sources=source_dicts(workspace, status),
        models={"version": current_model_version(workspace), "metrics": shipped_metrics()},
        generated_at=datetime.now(UTC),
        ideas=list_ideas(workspace),
        alerts=alert_history(workspace, limit=ALERTS_SHOWN),
        give_ask=give_ask_by_month(workspace),
        lang=lang,
        **extra,
    )


def summary_lines(workspace: Context, posts: pd.DataFrame | None = None) -> list[str]:
    """What the report says about our brand, in a few lines for the terminal."""
    import numpy as np

    from escucha.frames import posts_frame
    from escucha.insights import brand_words, net_sentiment, share_of_voice
    from escucha.insights.themes import themes_of

    ours = workspace.config.brand
    posts = posts_frame(workspace) if posts is None else posts
    if ours is None or posts.empty:
        return []
    sentiment = net_sentiment(posts)
    voice = share_of_voice(posts)
    exclude = brand_words(brand_dicts(workspace))
    lines = []
    for lang in sorted(set(voice["lang"])):
        mine = sentiment[(sentiment["lang"] == lang) & (sentiment["brand"] == ours.name)]
        if mine.empty or mine.iloc[0]["too_few"]:
            continue
        row = mine.iloc[0]
        share = voice[(voice["lang"] == lang) & (voice["brand"] == ours.name)].iloc[0]["share"]
        comparable = sentiment[(sentiment["lang"] == lang) & ~sentiment["too_few"]]
        rank = int((comparable["net"] > row["net"]).sum()) + 1
        lines.append(
            f"{ours.name} ({lang}): {row['posts']:,} mentions, {share:.0%} share of voice, "
            f"net sentiment {row['net']:+.2f} (rank {rank} of {len(comparable)} brands)"
        )
        mentions_ours = np.array([ours.name in b for b in posts["brands"]], dtype=bool)
        for intent, title in (("complaint", "top concerns"), ("wish", "top wishes")):
            themes = themes_of(posts[mentions_ours], intent, lang=lang, exclude=exclude)
            top = sorted((t for t in themes if not t.other), key=lambda t: (-t.size, t.id))[:3]
            if top:
                listed = ", ".join(f"{t.label!r} ({t.size})" for t in top)
                lines.append(f"  {title}: {listed}")
    return lines
