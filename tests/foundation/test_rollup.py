"""The mention rollup (store/rollup.py) equals the grouped join it replaces, on both databases,
after every kind of write: imports, analysis, a new model version, relabelling, engagement
refreshed, brands re-matched, posts edited, tombstoned, erased and re-dated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal
from sqlalchemy import ColumnElement, Connection, String, and_, case, cast, func, literal, select

from escucha.config import Brand
from escucha.core.items import Deletion, Item
from escucha.core.labels import UNKNOWN_LANG
from escucha.enrich import current_model_version
from escucha.reads.mentions import COUNT_COLUMNS, INTENT_COLUMNS, intent_counts, mention_counts
from escucha.reads.overview import LanguagePeriod, language_periods, post_totals
from escucha.store import db, rollup
from escucha.store.rollup import utc_day
from escucha.store.schema import (
    LIVE_POSTS,
    brand_mentions,
    enrichments,
    mention_rollup,
    post_engagement,
    post_labels,
    post_rollup,
    posts,
    rollup_dirty,
    rollup_versions,
)
from escucha.store.writer import apply_deletions, apply_edits
from escucha.understand.corrections import clear_labels, relabel
from escucha.workspace import Workspace

HEADER = "id,author,created_at,followers,likes,text\n"
POSTS = [
    '1,ana,2017-11-03T10:00:00Z,10,1,"@Iberia me habéis perdido la maleta, es una vergüenza"',
    '2,bob,2017-11-03T23:30:00+00:00,,,"@Ryanair ojalá pusierais más vuelos a Santander"',
    '3,cy,2015-02-24T10:00:00Z,300,5,"@united I wish you had more legroom, please"',
    '4,di,2015-02-24T11:00:00Z,40,,"@united worst customer service ever, lost my bag"',
    '5,ed,2015-02-25T00:30:00+01:00,7,2,"Thanks @united and @Iberia, the crew was wonderful!"',
    '6,fi,,5,0,"@Iberia un vuelo sin fecha, todo bien"',
    '7,gu,2015-03-01T09:00:00Z,1,1,"nothing about any airline here"',
]
MORE = [
    '8,ha,2017-11-04T08:00:00Z,2,2,"@Ryanair retraso de tres horas, fatal"',
    '9,ib,2015-02-24T18:00:00Z,,,"@united lost my luggage again"',
]
PERIODS = [
    (None, None),
    (date(2015, 2, 24), date(2015, 2, 25)),
    (date(2016, 1, 1), None),
    (None, date(2015, 12, 31)),
]


def _import(workspace: Workspace, tmp_path, rows: list[str], name: str = "posts.csv") -> None:
    (tmp_path / name).write_text(HEADER + "\n".join(rows) + "\n")
    workspace.import_file(tmp_path / name, source="t")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("lang", "brand", "sentiment", "day") if c in frame]
    filled = frame.assign(day=frame["day"].fillna("~"))
    order = filled.sort_values(keys).index
    return frame.loc[order].reset_index(drop=True)


def _same(workspace: Workspace, version: str) -> pd.DataFrame:
    """The rollup's counts, checked against the join's; the dirty marks are gone after."""
    with workspace.engine.connect() as conn:
        counts = mention_counts(conn, version)
        intents = intent_counts(conn, version)
        assert_frame_equal(_sorted(counts), _sorted(joined_mention_counts(conn, version)))
        assert_frame_equal(_sorted(intents), _sorted(joined_intent_counts(conn, version)))
        assert list(counts.dtypes.astype(str))[4:] == ["int64"] * 5  # dtypes: as the join's
        for start, end in PERIODS:
            expected = joined_language_periods(conn, version, start, end)
            assert language_periods(conn, version, start, end) == expected
        live = sa.select(sa.func.count()).select_from(posts).where(posts.c.deleted_at.is_(None))
        assert post_totals(conn, version).posts == conn.scalar(live)
        assert conn.scalar(sa.select(sa.func.count()).select_from(rollup_dirty)) == 0
    return counts


def _changed(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    return not _sorted(before).equals(_sorted(after))


def _post_id(workspace: Workspace, native_id: str) -> int:
    with workspace.engine.connect() as conn:
        return conn.scalar(sa.select(posts.c.id).where(posts.c.native_id == native_id))


def test_the_rollup_equals_the_join_after_every_kind_of_write(workspace, tmp_path, monkeypatch):
    version = current_model_version()
    empty = _same(workspace, version)  # builds the (empty) rollup of this version
    assert empty.empty

    _import(workspace, tmp_path, POSTS)
    assert _same(workspace, version).empty  # brands are matched by the analysis

    workspace.analyze()
    analysed = _same(workspace, version)
    assert int(analysed["mentions"].sum()) == 7
    assert analysed["day"].isna().any()  # the undated post has its bucket
    assert "2015-02-24" in set(analysed["day"])  # 00:30+01:00 is the 24th in UTC

    # a second model version, read once (built), then kept up to date with the first
    from escucha import enrich

    other = version + "-next"
    real = enrich.reader_for(tuple(workspace.config.languages))
    newer = type("NewerReader", (), {})()
    newer.version, newer.read = other, real.read
    unread = _same(workspace, other)  # nothing analysed by it yet
    assert set(unread["sentiment"]) == {""}
    monkeypatch.setattr(enrich, "reader_for", lambda languages=None: newer)
    monkeypatch.setattr(enrich, "current_model_version", lambda ctx=None: other)
    workspace.analyze()
    assert _changed(unread, _same(workspace, other))
    monkeypatch.undo()

    _import(workspace, tmp_path, MORE, "more.csv")
    workspace.analyze()
    grown = _same(workspace, version)
    assert int(grown["mentions"].sum()) == 9
    _same(workspace, other)

    # an analyst's label overrides the model's sentiment; clearing it restores the model's
    third = _post_id(workspace, "3")
    relabel(workspace.engine, third, "ana", version, sentiment="negative")
    relabelled = _same(workspace, version)
    assert _changed(grown, relabelled)
    _same(workspace, other)
    clear_labels(workspace.engine, third, "ana", version)
    assert_frame_equal(_sorted(_same(workspace, version)), _sorted(grown))

    # engagement refreshed by a re-import
    _import(workspace, tmp_path, [POSTS[0].replace(",10,1,", ",1000,50,")], "again.csv")
    refreshed = _same(workspace, version)
    assert _changed(grown, refreshed)

    # brands re-matched: Ryanair is no longer followed
    workspace.config = replace(
        workspace.config, competitors=(Brand("United Airlines", (), ("@united",), ()),)
    )
    workspace.analyze()
    rematched = _same(workspace, version)
    assert "Ryanair" not in set(rematched["brand"])
    _same(workspace, other)

    # edited (its enrichment goes until read again), tombstoned, erased
    with workspace.engine.begin() as conn:
        edit = Item(
            source="t",
            native_id="4",
            text="@united all fine in the end",
            fetched_at=datetime.now(UTC),
        )
        apply_edits(conn, "t", [edit])
    edited = _same(workspace, version)
    assert _changed(rematched, edited)
    with workspace.engine.begin() as conn:
        assert apply_deletions(conn, "t", [Deletion("1")]) == 1
    tombstoned = _same(workspace, version)
    assert _changed(edited, tombstoned)
    with workspace.engine.begin() as conn:
        conn.execute(sa.delete(posts).where(posts.c.native_id == "9"))
    erased = _same(workspace, version)
    assert _changed(tombstoned, erased)
    _same(workspace, other)

    # a post re-dated: its old day and its new one; a brand mention and engagement by hand
    with workspace.engine.begin() as conn:
        conn.execute(
            sa.update(posts)
            .where(posts.c.native_id == "3")
            .values(created_at=datetime(2016, 6, 1, 12, tzinfo=UTC))
        )
        sixth = conn.scalar(sa.select(posts.c.id).where(posts.c.native_id == "6"))
        conn.execute(
            sa.insert(brand_mentions).values(post_id=sixth, brand="Vueling", matcher="hand")
        )
        conn.execute(
            sa.update(post_engagement).where(post_engagement.c.post_id == sixth).values(followers=9)
        )
    redated = _same(workspace, version)
    assert "2016-06-01" in set(redated["day"]) and "Vueling" in set(redated["brand"])
    _same(workspace, other)


def test_a_selection_is_counted_by_the_join(workspace, tmp_path):
    _import(workspace, tmp_path, POSTS)
    workspace.analyze()
    version = current_model_version()
    ids = [_post_id(workspace, "1"), _post_id(workspace, "5")]
    with workspace.engine.connect() as conn:
        chosen = mention_counts(conn, version, ids)
        assert set(chosen["brand"]) == {"Iberia", "United Airlines"}
        assert int(chosen["mentions"].sum()) == 3
        # the selection's path neither builds nor reads the rollup
        assert conn.scalar(sa.select(sa.func.count()).select_from(rollup_versions)) == 0


def test_a_caller_transaction_keeps_the_refresh_uncommitted(workspace, tmp_path):
    _import(workspace, tmp_path, POSTS)
    version = current_model_version()
    with workspace.engine.begin() as conn:
        conn.execute(sa.select(1))
        mention_counts(conn, version)
        conn.rollback()
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(rollup_versions)) == 0
        assert conn.scalar(sa.select(sa.func.count()).select_from(rollup_dirty)) > 0


def test_rebuild_after_writes_that_bypassed_the_triggers(workspace, tmp_path):
    _import(workspace, tmp_path, POSTS)
    workspace.analyze()
    version = current_model_version()
    before = _same(workspace, version)
    with workspace.engine.begin() as conn:  # as if the triggers had not run
        conn.execute(sa.delete(mention_rollup).where(mention_rollup.c.brand == "Iberia"))
        conn.execute(sa.delete(post_rollup).where(post_rollup.c.lang == "es"))
    with workspace.engine.begin() as conn:
        rollup.rebuild(conn, rollup.stored_versions(conn))
    assert_frame_equal(_sorted(_same(workspace, version)), _sorted(before))


def test_the_migration_builds_the_rollup_of_a_store_with_posts(database_url, tmp_path):
    engine = db.make_engine(database_url)
    db.migrate(engine, "0026")
    now = "2024-05-01 10:00:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO posts (id, source, native_id, text, created_at, fetched_at) "
                "VALUES (1, 's', '1', 'hola', :t, :t), (2, 's', '2', 'x', NULL, :t)"
            ),
            {"t": datetime(2024, 5, 1, 10, tzinfo=UTC) if "postgresql" in database_url else now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO enrichments (post_id, model_version, lang, sentiment, negative, "
                "neutral, positive, wish, complaint, question, praise, promo, intents, "
                "enriched_at) VALUES (1, 'm1', 'es', 'negative', 1, 0, 0, 0, 1, 0, 0, 0, "
                """'["complaint"]', :t)"""
            ),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO brand_mentions (post_id, brand, matcher) "
                "VALUES (1, 'Iberia', 'f'), (2, 'Iberia', 'f')"
            )
        )
    db.migrate(engine)
    with engine.connect() as conn:
        assert conn.scalars(sa.select(rollup_versions.c.model_version)).all() == ["m1"]
        rows = conn.execute(
            sa.select(
                mention_rollup.c.day,
                mention_rollup.c.lang,
                mention_rollup.c.sentiment,
                mention_rollup.c.mentions,
                mention_rollup.c.complaint,
            ).order_by(mention_rollup.c.day)
        ).all()
        counted = conn.execute(
            sa.select(post_rollup.c.day, post_rollup.c.lang, post_rollup.c.posts).order_by(
                post_rollup.c.day
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("", "unknown", "", 1, 0),
        ("2024-05-01", "es", "negative", 1, 1),
    ]
    assert [tuple(r) for r in counted] == [("", "unknown", 1), ("2024-05-01", "es", 1)]
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0026")
    assert not sa.inspect(engine).has_table("mention_rollup")
    with engine.begin() as conn:  # no trigger is left behind
        conn.execute(sa.text("DELETE FROM brand_mentions"))


@pytest.mark.postgres
def test_a_day_changed_by_a_writer_still_open_is_recomputed_after_it_commits(workspace, tmp_path):
    """PostgreSQL: a read while a writer's transaction is open neither waits for it nor
    forgets its change: the writer's mark commits with it and the next read recomputes."""
    if workspace.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: a read that refreshes waits for it")
    _import(workspace, tmp_path, POSTS)
    workspace.analyze()
    version = current_model_version()
    before = _same(workspace, version)
    sixth = _post_id(workspace, "6")
    with workspace.engine.begin() as conn:  # the same day, committed and not read yet
        conn.execute(
            sa.update(post_engagement).where(post_engagement.c.post_id == sixth).values(likes=3)
        )
    with workspace.engine.connect() as writer:
        writer.execute(
            sa.insert(brand_mentions).values(post_id=sixth, brand="Vueling", matcher="hand")
        )
        # one mark a day in a transaction, whatever the number of statements
        for brand in ("Air Europa", "Level"):
            writer.execute(
                sa.insert(brand_mentions).values(post_id=sixth, brand=brand, matcher="hand")
            )
        marks = sa.select(sa.func.count()).select_from(rollup_dirty)
        assert writer.scalar(marks.where(rollup_dirty.c.day == rollup.UNDATED)) == 2
        during = _same(workspace, version)  # drains the committed mark alone
        assert_frame_equal(_sorted(during), _sorted(before))
        writer.commit()
    after = _same(workspace, version)
    assert {"Vueling", "Air Europa", "Level"} <= set(after["brand"])


# -- the references: the grouped joins the rollups replaced -------------------------------


def joined_mention_counts(conn: Connection, model_version: str) -> pd.DataFrame:
    """`mention_counts` by the grouped join of posts, enrichments, brand mentions, engagement
    and labels it replaced."""
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    # an analyst's label overrides the model's
    sentiment = func.coalesce(post_labels.c.sentiment, enrichments.c.sentiment, literal("", String))
    day = utc_day(conn.dialect.name)
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    followers, engagement = post_engagement.c.followers, post_engagement.c.engagement
    query = (
        select(
            lang,
            brand_mentions.c.brand,
            sentiment,
            day,
            func.count(),
            func.coalesce(func.sum(followers), 0),
            func.count(followers),
            func.coalesce(func.sum(engagement), 0),
            func.count(engagement),
        )
        .select_from(
            brand_mentions.join(posts, posts.c.id == brand_mentions.c.post_id)
            .outerjoin(enrichments, join)
            .outerjoin(post_engagement, post_engagement.c.post_id == posts.c.id)
            .outerjoin(post_labels, post_labels.c.post_id == posts.c.id)
        )
        .where(LIVE_POSTS)
        .group_by(lang, brand_mentions.c.brand, sentiment, day)
    )
    frame = pd.DataFrame.from_records(conn.execute(query).all(), columns=COUNT_COLUMNS)
    summed = COUNT_COLUMNS[4:]
    frame["lang"] = [str(v).strip().lower() or UNKNOWN_LANG for v in frame["lang"]]
    frame[summed] = frame[summed].astype("int64")
    return frame


def joined_intent_counts(conn: Connection, model_version: str) -> pd.DataFrame:
    """`intent_counts` by the grouped join it replaced."""
    import pandas as pd

    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    day = utc_day(conn.dialect.name)
    labels = cast(enrichments.c.intents, String)

    def flagged(intent: str) -> ColumnElement[int]:
        return func.sum(case((labels.like(f'%"{intent}"%'), 1), else_=0))

    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    query = (
        select(
            lang, brand_mentions.c.brand, day, func.count(), flagged("complaint"), flagged("wish")
        )
        .select_from(
            brand_mentions.join(posts, posts.c.id == brand_mentions.c.post_id).outerjoin(
                enrichments, join
            )
        )
        .where(LIVE_POSTS)
        .group_by(lang, brand_mentions.c.brand, day)
    )
    frame = pd.DataFrame.from_records(conn.execute(query).all(), columns=INTENT_COLUMNS)
    frame["lang"] = [str(v).strip().lower() or UNKNOWN_LANG for v in frame["lang"]]
    for column in INTENT_COLUMNS[3:]:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def joined_language_periods(
    conn: Connection,
    model_version: str,
    start: date | None = None,
    end: date | None = None,
) -> list[LanguagePeriod]:
    """`language_periods` by the join of posts and enrichments: the reference the rollup
    equals."""
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    query = (
        select(lang, func.min(posts.c.created_at), func.max(posts.c.created_at), func.count())
        .select_from(posts.outerjoin(enrichments, join))
        .where(LIVE_POSTS, posts.c.created_at.isnot(None))
        .group_by(lang)
    )
    if start is not None:
        query = query.where(posts.c.created_at >= datetime.combine(start, time(), UTC))
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), time(), UTC)
        query = query.where(posts.c.created_at < after)
    found = [
        LanguagePeriod(str(code), _day(first), _day(last), int(n))
        for code, first, last, n in conn.execute(query).all()
    ]
    return sorted(found, key=lambda p: (-p.posts, p.lang))


def _day(value: datetime) -> date:
    return value.astimezone(UTC).date() if value.tzinfo else value.date()  # naive: UTC
