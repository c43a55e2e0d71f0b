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
    from escucha.insights.concerns import ScopeThemes
    from escucha.insights.periods import Period, PeriodChoice
    from escucha.insights.themes import Theme
    from escucha.reads.overview import LanguagePeriod
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
    themes: ScopeThemes | None = None,
    fmt: str = "html",
) -> Path:
    """Write the report to `out` as `fmt` (escucha.deliverables.FORMATS: html, pdf, csv for
    a zip of one CSV per table, xlsx); the file appears whole or not at all. `lang`: its
    language (escucha.i18n.LANGUAGES), by default the workspace's first configured language
    that has one. `period`: the posts it covers and the period they are compared with.
    `themes`: the scope's themes (`workspace_themes`) if the caller already has them."""
    data = report_bytes(workspace, fmt, lang, posts, period, themes)  # errors first
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    return out.resolve()


def report_bytes(
    workspace: Context,
    fmt: str,
    lang: str | None = None,
    posts: pd.DataFrame | None = None,
    period: PeriodChoice | None = None,
    themes: ScopeThemes | None = None,
) -> bytes:
    """The report as the bytes of a file of format `fmt` (escucha.deliverables.FORMATS)."""
    from escucha.deliverables import FORMATS
    from escucha.i18n import first_supported
    from escucha.report import render_html

    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; formats are {', '.join(FORMATS)}")
    lang = lang or first_supported(workspace.config.languages)
    context = report_context(workspace, lang, posts, period, themes)
    if fmt == "csv":
        from escucha.deliverables.sheets import tables_zip

        return tables_zip(context["tables"])
    if fmt == "xlsx":
        from escucha.deliverables.sheets import tables_xlsx

        return tables_xlsx(context["tables"])
    html = render_html(context)
    if fmt == "pdf":
        from escucha.deliverables.pdf import html_to_pdf

        return html_to_pdf(html)
    return html.encode("utf-8")


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


def data_periods(workspace: Context, period: Period | None = None) -> list[LanguagePeriod]:
    """Each language's data period (of the posts of `period`): what every face shows."""
    from escucha.enrich import current_model_version
    from escucha.reads.overview import language_periods

    start, end = (None, None) if period is None else (period.start, period.end)
    with workspace.engine.connect() as conn:
        return language_periods(conn, current_model_version(workspace), start, end)


def workspace_themes(
    workspace: Context, posts: pd.DataFrame | None = None, period: PeriodChoice | None = None
) -> dict[str, list[Theme]]:
    """The themes of the complaints and the wishes of the report's scope: the workspace's
    posts (`posts` if the caller has read them) in `period` (insights.concerns)."""
    from escucha.frames import posts_frame
    from escucha.insights.concerns import scope_themes

    frame = posts_frame(workspace) if posts is None else posts
    frame, _, _ = periods_of(workspace, frame, period)
    above = workspace.config.themes.sample_posts
    return scope_themes(frame, brand_dicts(workspace), sample_above=above)


def report_html(
    workspace: Context,
    lang: str,
    posts: pd.DataFrame | None = None,
    period: PeriodChoice | None = None,
    themes: ScopeThemes | None = None,
) -> str:
    """The report of the workspace as it is, in UI language `lang`: reads the store, writes
    nothing (ideas are not refreshed nor alerts run here; the report shows what is stored).
    `period`: only the posts of that period, compared with another if it says so."""
    from escucha.report import render_html

    return render_html(report_context(workspace, lang, posts, period, themes))


def report_context(
    workspace: Context,
    lang: str,
    posts: pd.DataFrame | None = None,
    period: PeriodChoice | None = None,
    themes: ScopeThemes | None = None,
) -> dict:
    """What the report shows (escucha.report.context.build_context), read from the store:
    the HTML page, the PDF and the tables are all made from it."""
    from escucha.alerts import alert_history
    from escucha.community.ledger import give_ask_by_month
    from escucha.enrich import current_model_version
    from escucha.frames import posts_frame
    from escucha.ideas import list_ideas
    from escucha.report.backlog import ALERTS_SHOWN
    from escucha.report.context import build_context
    from escucha.status import workspace_status
    from escucha.understand import shipped_metrics

    status = workspace_status(workspace)
    frame = posts_frame(workspace) if posts is None else posts
    frame, shown, comparison = periods_of(workspace, frame, period)
    extra: dict = {} if shown is None and comparison is None else {"period": shown}
    if comparison is not None:
        extra["comparison"] = comparison
    if themes is not None:
        extra["themes"] = themes
    return build_context(
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
        periods=data_periods(workspace, shown),
        sample_above=workspace.config.themes.sample_posts,
        **extra,
    )


def summary_lines(
    workspace: Context, posts: pd.DataFrame | None = None, themes: ScopeThemes | None = None
) -> list[str]:
    """What the report says about our brand, in a few lines for the terminal: the data period
    of each language, then per language our mentions, share, net sentiment, and our top
    concerns and wishes: the report's themes (`workspace_themes`), counted on our posts."""
    from escucha.frames import posts_frame
    from escucha.insights import net_sentiment, share_of_voice
    from escucha.insights.concerns import brand_themes

    ours = workspace.config.brand
    posts = posts_frame(workspace) if posts is None else posts
    if ours is None or posts.empty:
        return []
    if themes is None:
        themes = workspace_themes(workspace, posts)
    sentiment = net_sentiment(posts)
    voice = share_of_voice(posts)
    lines = [
        f"{p.lang} posts: {p.first.isoformat()} to {p.last.isoformat()}"
        for p in data_periods(workspace)
    ]
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
        for intent, title in (("complaint", "top concerns"), ("wish", "top wishes")):
            top = brand_themes(themes.get(intent, ()), lang, ours.name)
            if top:
                listed = ", ".join(f"{label!r} ({n})" for label, n in top)
                lines.append(f"  {title}: {listed}")
    return lines
