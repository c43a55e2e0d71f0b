"""What a collection run leaves in the store: its connector version, its rejects, its authors."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.core.items import Rejected
from escucha.listen.collector import collect, load_cursor
from escucha.listen.sources.base import Page, Source
from escucha.store.schema import authors, import_runs, posts, source_rejects


class Scripted(Source):
    """A connector that plays back one page per (native id, author id) list, offline."""

    kind = "mastodon"
    coverage = "scripted"
    target_option = "api_base_url"

    def __init__(self, config: SourceConfig, pages: list[list[tuple[str, str]]]) -> None:
        super().__init__(config)
        self.pages = pages

    @property
    def instance(self) -> str:
        return "mastodon.example"

    @property
    def version(self) -> str:
        return "scripted 2.1"

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        for number, page in enumerate(self.pages, 1):
            items = [
                self.item(nid, f"post {nid}", {"id": nid}, author="ana", author_id=aid)
                for nid, aid in page
            ]
            bad = Rejected(f"{self.name} page {number}", "record has no text", {"id": "x"})
            yield Page(items, [bad], {"page": number})


def _collect(workspace, name: str, pages: list[list[tuple[str, str]]]):
    config = SourceConfig(name, "mastodon", {"api_base_url": "https://mastodon.example"})
    return collect(workspace, config, source=Scripted(config, pages))


def test_a_run_records_its_connector_version_and_its_rejects(workspace):
    result = _collect(workspace, "tags", [[("1", "109")], [("2", "109")]])
    assert (result.new, result.rejected, result.pages) == (2, 2, 2)
    assert load_cursor(workspace.engine, "tags") == {"page": 2}
    with workspace.engine.connect() as conn:
        run = conn.execute(sa.select(import_runs)).one()
        kept = conn.execute(
            sa.select(source_rejects.c.import_run_id, source_rejects.c.location).order_by(
                source_rejects.c.id
            )
        ).all()
    assert (run.connector_version, run.accepted, run.rejected) == ("scripted 2.1", 2, 2)
    assert kept == [(run.id, "tags page 1"), (run.id, "tags page 2")]


def test_one_account_seen_by_a_hashtag_and_a_mentions_source_is_one_author(workspace):
    _collect(workspace, "tags", [[("1", "109"), ("2", "200")]])
    _collect(workspace, "mentions", [[("3", "109")]])
    with workspace.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                posts.c.native_id, posts.c.source, authors.c.account_id, authors.c.first_source
            )
            .join(authors, authors.c.id == posts.c.author_id)
            .order_by(posts.c.native_id)
        ).all()
        n_authors = conn.scalar(sa.select(sa.func.count()).select_from(authors))
    assert [tuple(r) for r in rows] == [
        ("1", "tags", "109", "tags"),
        ("2", "tags", "200", "tags"),
        ("3", "mentions", "109", "tags"),
    ]
    assert n_authors == 2
