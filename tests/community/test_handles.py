"""Normalised handle and email keys; the SQL key of an author equals the Python one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from escucha.community.handles import (
    author_handle_key,
    author_key_sql,
    email_key,
    handle_key,
)
from escucha.store import db
from escucha.store.schema import authors


@pytest.mark.parametrize(
    ("platform", "written", "key"),
    [
        ("mastodon", "@Ana@Mastodon.Social", "ana@mastodon.social"),
        ("mastodon", "ana@mastodon.social", "ana@mastodon.social"),
        ("reddit", "u/Ana_G", "ana_g"),
        ("reddit", "/u/ana_g", "ana_g"),
        ("reddit", "ana_g", "ana_g"),
        ("bluesky", "@Ana.bsky.social", "ana.bsky.social"),
        ("discourse", "bo@forum.example.org", "bo@forum.example.org"),
        ("tweets", "@Someone", "someone"),
    ],
)
def test_one_handle_written_in_different_forms_has_one_key(platform, written, key):
    assert handle_key(platform, written) == key


@pytest.mark.parametrize(
    ("platform", "written"),
    [
        ("mastodon", "ana"),  # no server
        ("mastodon", "@ana@"),
        ("bluesky", "ana"),  # not a domain
        ("reddit", "u/a b"),
        ("reddit", "u/" + "x" * 30),
        ("tweets", "two words"),
        ("mastodon", ""),
    ],
)
def test_malformed_handles_are_refused_with_the_expected_form(platform, written):
    with pytest.raises(ValueError, match=f"malformed {platform} handle"):
        handle_key(platform, written)


def test_emails_compare_case_insensitively_and_malformed_ones_are_refused():
    assert email_key(" Ana.G@Example.ORG ") == "ana.g@example.org"
    for bad in ("ana", "ana@", "@example.org", "a@@b.org", "a b@c.org", "a@b"):
        with pytest.raises(ValueError, match="malformed email"):
            email_key(bad)


def test_the_sql_key_of_an_author_is_the_python_one(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    rows = [
        ("mastodon", "mastodon.social", "1", "Ana"),
        ("mastodon", "mastodon.social", "2", "@bo@Fosstodon.org"),
        ("mastodon", "", "3", "cy"),
        ("reddit", "", "4", "u/Dee"),
        ("reddit", "", "5", "/u/eve"),
        ("bluesky", "", "6", "Fay.bsky.social"),
        ("tweets", "", "7", "@Gus"),
        ("discourse", "Forum.Example.org", "8", "hal"),
    ]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(authors),
            [
                dict(platform=p, instance=i, account_id=a, handle=h, first_source="t")
                for p, i, a, h in rows
            ],
        )
        got = dict(
            conn.execute(
                sa.select(
                    authors.c.account_id,
                    author_key_sql(authors.c.platform, authors.c.instance, authors.c.handle),
                )
            ).all()
        )
    assert got == {a: author_handle_key(p, i, h) for p, i, a, h in rows}
    assert (
        got["1"] == "ana@mastodon.social"
        and got["4"] == "dee"
        and got["8"] == "hal@forum.example.org"
    )
