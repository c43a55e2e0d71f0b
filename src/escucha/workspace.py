"""A workspace: a folder with `escucha.toml`, its store, and the rejects of its imports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine

from escucha.config import (
    CONFIG_FILE,
    Config,
    database_url,
    default_config,
    load_config,
    render_config,
)
from escucha.core.context import rejects_dir
from escucha.errors import UserError
from escucha.store import db

if TYPE_CHECKING:
    import pandas as pd

    from escucha.enrich import Analysis
    from escucha.insights.periods import Period, PeriodChoice
    from escucha.listen.importer import ImportResult
    from escucha.panels.frames import Panel
    from escucha.research.surveys import Survey
    from escucha.status import WorkspaceStatus


class Workspace:
    """The Python API's entry point: a `Context` with thin methods over the domains' functions.

    Domains never import this class (they take a `Context`); a new domain adds module
    functions, not methods here.
    """

    def __init__(self, path: Path, config: Config) -> None:
        self.path = path
        self.config = config

    @cached_property
    def database_url(self) -> str:
        return database_url(self.path, self.config)

    @cached_property
    def engine(self) -> Engine:
        web = self.config.web
        engine = db.make_engine(self.database_url, web.db_pool_size, web.db_max_overflow)
        db.migrate(engine)
        return engine

    @property
    def rejects_dir(self) -> Path:
        return rejects_dir(self)

    def import_file(
        self,
        path: str | Path,
        *,
        source: str | None = None,
        mapping: Mapping[str, str] | None = None,
        url_template: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Import a CSV, JSON Lines or Parquet file (optionally gzip-compressed).

        `url_template` (e.g. "https://example.org/status/{id}") gives posts without a URL
        column a link built from their id.
        """
        from escucha.listen.importer import import_file

        return import_file(
            self.engine,
            Path(path),
            source=source,
            mapping=mapping,
            url_template=url_template,
            rejects_dir=self.rejects_dir,
            progress=progress,
            max_line_bytes=self.config.imports.max_line_bytes,
        )

    def analyze(
        self,
        progress: Callable[[int, int], None] | None = None,
        *,
        everything: bool = False,
        engine: Literal["local", "dask"] = "local",
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> Analysis:
        """Enrich every post not yet read by the current models (`everything`: every post,
        re-read); re-match brands if they changed. `engine="dask"`: on Dask workers."""
        from escucha.enrich import analyze

        return analyze(
            self,
            progress=progress,
            everything=everything,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
        )

    def posts(self, all_versions: bool = False) -> pd.DataFrame:
        """Every post with its enrichment by the current model version, as a DataFrame."""
        from escucha.frames import posts_frame

        return posts_frame(self, all_versions=all_versions)

    def write_report(
        self,
        out: str | Path,
        posts: pd.DataFrame | None = None,
        lang: str | None = None,
        period: str | Period | PeriodChoice | None = None,
        compare: str | Period | None = None,
        format: str = "html",
    ) -> Path:
        """Write the report; the file appears whole or not at all. `posts`: the
        DataFrame of `posts()` if the caller already has it. `lang`: the report's language
        (escucha.i18n.LANGUAGES), by default the first configured language that has one.
        `period` ("30d", "FROM:TO", a Period) and `compare` ("previous", "FROM:TO").
        `format`: "html", "pdf", "csv" (a zip of one CSV per table) or "xlsx" (one sheet
        per table)."""
        from escucha.insights.tables import choose
        from escucha.report_inputs import write_report

        chosen = None if period is None and compare is None else choose(period, compare)
        return write_report(self, Path(out), posts, lang, chosen, fmt=format)

    def summary_lines(self, posts: pd.DataFrame | None = None) -> list[str]:
        """A few plain sentences on our brand, for the terminal."""
        from escucha.report_inputs import summary_lines

        return summary_lines(self, posts)

    def query(self, text: str, limit: int | None = None) -> pd.DataFrame:
        """The posts that match a boolean query (see docs/query-language.md), by id."""
        from escucha.frames import posts_matching

        return posts_matching(self, text, limit=limit)

    # -- what the web app shows, as DataFrames (periods: None, "30d", "FROM:TO", a Period) --

    def share_of_voice(self, period: str | Period | PeriodChoice | None = None) -> pd.DataFrame:
        """Mentions and share of voice per language and brand in `period` (every post
        without one; "7d", "30d", "90d" end on the newest post's day)."""
        from escucha.insights.tables import share_of_voice_table

        return share_of_voice_table(self, period)

    def net_sentiment(self, period: str | Period | PeriodChoice | None = None) -> pd.DataFrame:
        """Net sentiment per language and brand in `period`, its 95% interval and `too_few`."""
        from escucha.insights.tables import net_sentiment_table

        return net_sentiment_table(self, period)

    def themes(
        self,
        intent: str = "complaint",
        period: str | Period | PeriodChoice | None = None,
        lang: str | None = None,
        brand: str | None = None,
    ) -> pd.DataFrame:
        """The themes of an intent's posts ("any": every analysed post), one row each. With
        `brand`: the themes holding its posts, ranked by them (brand_posts, brand_share), the
        same themes: the first of a language is the brand's top concern on every face."""
        from escucha.insights.tables import themes_table

        return themes_table(self, intent, period, lang, brand=brand)

    def concerns(
        self, period: str | Period | PeriodChoice | None = None, intent: str = "complaint"
    ) -> pd.DataFrame:
        """Each brand's top themes of `intent` per language (rank 1: its top concern), the
        same the report, the web's competitors page and the REST API show."""
        from escucha.insights.tables import concerns_table

        return concerns_table(self, period, intent)

    def data_periods(self, period: str | Period | PeriodChoice | None = None) -> pd.DataFrame:
        """Each language's first and last day of posts (in `period`), as every face says."""
        from escucha.insights.tables import periods_table

        return periods_table(self, period)

    def compare(
        self, period: str | Period | PeriodChoice, compare: str | Period = "previous"
    ) -> pd.DataFrame:
        """Each brand's volume, share, net sentiment, complaint and wish rates in `period`
        against `compare` ("previous" or "FROM:TO"), with the test and both sample sizes."""
        from escucha.insights.tables import compare_table

        return compare_table(self, period, compare)

    def trending(
        self, period: str | Period | PeriodChoice, compare: str | Period = "previous"
    ) -> pd.DataFrame:
        """Terms, hashtags, emoji, authors and intents over-represented in `period`."""
        from escucha.insights.tables import drivers_table

        return drivers_table(self, period, compare)

    def categories(
        self, period: str | Period | PeriodChoice | None = None, by: str = "category"
    ) -> pd.DataFrame:
        """The custom categories in `period`: per category (posts, share of all posts, tagged
        by hand, sentiment, net and its interval), or with by="brand" each brand's mentions
        and share of voice within each category."""
        from escucha.insights.tables import categories_table

        return categories_table(self, period, by)

    def ideas(self, status: str | None = None, lang: str | None = None) -> pd.DataFrame:
        """The idea backlog, most posts first (`escucha ideas list`)."""
        from escucha.ideas.views import ideas_frame

        return ideas_frame(self, status=status, lang=lang)

    def alerts(self, limit: int = 50) -> pd.DataFrame:
        """The latest alerts, newest first, with their deliveries."""
        from escucha.alerts.run import alerts_frame

        return alerts_frame(self, limit=limit)

    def contacts(self) -> pd.DataFrame:
        """The community's contacts with their identities, ledger counts and readiness."""
        from escucha.community.views import contacts_frame

        return contacts_frame(self)

    def survey(self, survey_id: int, version: int | None = None) -> Survey:
        """A survey with its definition (`.definition`), by default its latest version."""
        from escucha.research.surveys import get_survey

        return get_survey(self, survey_id, version)

    def panel(self, panel_id: int) -> Panel:
        """A product test: `.testers()` and `.feedback()` as DataFrames, `.results()`."""
        from escucha.panels.frames import open_panel

        return open_panel(self, panel_id)

    def import_runs(self) -> list[dict]:
        from escucha.status import import_run_list

        return import_run_list(self)

    def status(self) -> WorkspaceStatus:
        """Counts that describe the workspace; `escucha status --json` prints exactly this."""
        from escucha.status import workspace_status

        return workspace_status(self)


def find_workspace(path: str | Path | None = None) -> Path:
    """The named folder, or the current one; an error if it holds no escucha.toml."""
    folder = Path(path) if path is not None else Path.cwd()
    if not (folder / CONFIG_FILE).is_file():
        raise UserError(f"{folder}: no {CONFIG_FILE} here; run 'escucha init' or use --workspace")
    return folder.resolve()


def open_workspace(path: str | Path | None = None) -> Workspace:
    """Open the workspace in `path` (default: the current folder), migrating its store."""
    folder = find_workspace(path)
    return Workspace(folder, load_config(folder))


def init_workspace(
    path: str | Path, config: Config | None = None, *, overwrite: bool = False
) -> Workspace:
    """Write escucha.toml (unless it exists) and create the store."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG_FILE
    if config_path.exists() and not overwrite:
        config = load_config(folder)
    else:
        config = config or default_config(folder.resolve().name)
        config_path.write_text(render_config(config), encoding="utf-8")
    workspace = Workspace(folder.resolve(), load_config(folder))
    _ = workspace.engine  # creates and migrates the store
    return workspace
