"""A query's work is bounded: nesting, terms, phrase and query length are syntax errors past
their caps, and a query running past its time budget stops with QueryTooSlow."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from escucha.query import QuerySyntaxError, QueryTooSlow, parse, select_posts
from escucha.query.budget import time_budget
from escucha.query.parser import MAX_DEPTH, MAX_LENGTH, MAX_PHRASE_WORDS, MAX_TERMS
from query_corpus import MODEL


def _error(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    return caught.value


def test_nesting_up_to_the_limit_parses() -> None:
    assert parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH).explain() == "a"
    assert parse("NOT " * MAX_DEPTH + "a").explain().count("NOT") == MAX_DEPTH


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("(" * 198 + "a" + ")" * 198, MAX_DEPTH),  # the 397 characters
        ("(" * 4000 + "a" + ")" * 4000, MAX_DEPTH),
        ("NOT " * 500 + "a", 4 * MAX_DEPTH),
        ("-" * 2000 + "a", MAX_DEPTH),
        ("x " + "(NOT " * 60 + "a" + ")" * 60, 2 + 5 * 25),
    ],
)
def test_deeper_nesting_is_a_syntax_error_with_its_position(query: str, position: int) -> None:
    err = _error(query)
    assert err.position == position
    assert str(err).startswith(f"more than {MAX_DEPTH} nested parentheses or NOTs at position")


def test_too_many_terms_is_a_syntax_error() -> None:
    words = [f"-w{i}" for i in range(200)]  # the 200 excluded words
    err = _error(" ".join(words))
    assert err.position == " ".join(words).index(f"w{MAX_TERMS}")
    assert str(err).startswith(f"more than {MAX_TERMS} words, phrases and fields")
    assert parse(" ".join(words[:MAX_TERMS])).explain().count("NOT") == MAX_TERMS


def test_long_phrases_and_queries_are_syntax_errors() -> None:
    huge = '"' + " ".join(["palabra"] * 25_000) + '"'  # the LIKE pattern too complex
    assert str(_error(huge)) == f"the query is longer than {MAX_LENGTH} characters"
    long_phrase = '"' + " ".join(["palabra"] * (MAX_PHRASE_WORDS + 1)) + '"'
    assert str(_error("a " + long_phrase)).startswith(
        f"a phrase of more than {MAX_PHRASE_WORDS} words at position 2"
    )
    parse('"' + " ".join(["palabra"] * MAX_PHRASE_WORDS) + '"')


def test_the_longest_phrase_runs_on_the_store(store) -> None:
    engine, _ = store
    phrase = '"' + " ".join(["ñandú"] * MAX_PHRASE_WORDS) + '"'
    with engine.connect() as conn:
        assert select_posts(conn, phrase, MODEL) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from('()"-*:/ \tanotNOTANDORNEAR/3date:brand:lang:2017-01-01..é'),
        max_size=400,
    )
    | st.text(max_size=MAX_LENGTH + 10)
)
def test_any_text_parses_or_is_a_syntax_error(query: str) -> None:
    try:
        parsed = parse(query)
    except QuerySyntaxError as err:
        assert 0 <= err.position <= len(query)
        return
    assert parse(parsed.explain()).root == parsed.root


def test_a_query_past_its_budget_stops_in_the_python_stage(store) -> None:
    """`e-mail` is decided in Python (the index holds `e mail` too)."""
    engine, _ = store
    with engine.connect() as conn:
        assert select_posts(conn, "vuelo OR e-mail", MODEL, budget=60)
        with pytest.raises(QueryTooSlow) as caught:
            select_posts(conn, "vuelo OR e-mail", MODEL, budget=0)
    assert str(caught.value).startswith("the query took longer than 0 s and was stopped")


def test_a_statement_past_its_budget_is_stopped_by_the_database(database_url: str) -> None:
    from escucha.store import db

    engine = db.make_engine(database_url)
    if engine.dialect.name == "sqlite":
        slow = text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000)"
            " SELECT count(*) FROM n"
        )
    else:
        slow = text("SELECT pg_sleep(5)")
    try:
        with engine.connect() as conn, pytest.raises(QueryTooSlow), time_budget(conn, 0.05):
            conn.execute(slow)
        with engine.connect() as conn:  # the budget ends with the block
            with time_budget(conn, 60):
                assert conn.execute(text("SELECT 1")).scalar() == 1
            if engine.dialect.name == "postgresql":
                setting = conn.execute(text("SHOW statement_timeout")).scalar()
                assert setting == "0"
            else:
                assert conn.execute(text("SELECT 2")).scalar() == 2
    finally:
        engine.dispose()
