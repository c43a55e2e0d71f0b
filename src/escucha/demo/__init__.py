"""The bundled demo: a real airline market in Spanish and English (see README.md here)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escucha.workspace import Workspace

# file name -> (source name, explicit column mapping, link template). The Spanish file keeps
# the tweets' ids, so its posts link to them; the US file has row numbers only.
DEMO_FILES = {
    "es_airline_tweets.jsonl.gz": (
        "es_airline_tweets",
        {"id": "tweet_id"},
        "https://twitter.com/i/web/status/{id}",
    ),
    "us_airline_tweets.jsonl.gz": ("us_airline_tweets", {"id": "row"}, None),
}


def demo_path(name: str) -> Path:
    return Path(str(resources.files("escucha.demo").joinpath(name)))


def demo_config_text() -> str:
    return demo_path("escucha.toml").read_text(encoding="utf-8")


def run_demo(directory: Path, progress=None) -> dict:
    """Create (or reuse) the demo workspace, import, analyse, report. Safe to run again."""
    from escucha.config import CONFIG_FILE
    from escucha.workspace import init_workspace

    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / CONFIG_FILE
    if not config_path.exists():
        config_path.write_text(demo_config_text(), encoding="utf-8")
    workspace: Workspace = init_workspace(directory)
    lines = []
    for name, (source, mapping, url_template) in DEMO_FILES.items():
        result = workspace.import_file(
            demo_path(f"data/{name}"),
            source=source,
            mapping=mapping,
            url_template=url_template,
            progress=progress,
        )
        lines.append(
            f"imported {name}: {result.accepted:,} new, {result.duplicate:,} already stored, "
            f"{result.rejected:,} rejected"
            + (f" (reasons in {result.rejects_path})" if result.rejects_path else "")
            + (f", {result.undated:,} kept without a readable date" if result.undated else "")
        )
    analysis = workspace.analyze(progress=progress)
    lines.append(f"analysed {analysis['enriched']:,} posts with {analysis['model_version']}")
    finished = finish_demo(workspace, directory / "report.html")
    return {"lines": lines + finished["lines"], "report": finished["report"]}


def finish_demo(workspace: Workspace, out: Path) -> dict:
    """The demo's last steps on an analysed workspace: ideas, the report at `out` and the
    summary lines, both from one finding of the themes, so they say the same."""
    from escucha.ideas import refresh_ideas
    from escucha.report_inputs import summary_lines, workspace_themes, write_report

    refresh_ideas(workspace)
    posts = workspace.posts()  # read once for the report and the summary
    themes = workspace_themes(workspace, posts)
    report = write_report(workspace, out, posts, "en", themes=themes)
    lines = summary_lines(workspace, posts, themes)
    lines.append(f"report: {report}")
    return {"lines": lines, "report": report}
