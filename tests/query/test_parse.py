"""Parsing: the tree each operator builds, precedence, the normalised form, and every kind of
syntax error with the position it points at."""

from __future__ import annotations

from datetime import date

import pytest

from escucha.errors import UserError
from escucha.query import QuerySyntaxError, explain, parse
from escucha.query.ast import And, DateRange, Field, Near, Not, Or, Term


def t(*words: str) -> Term:
    return Term(words)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("Avión", t("avion")),
        ('"Lost  Luggage"', t("lost", "luggage")),
        ('"lost - luggage"', t("lost", "luggage")),
        ("cancel*", t("cancel*")),
        ("a b", And((t("a"), t("b")))),
        ("a AND b AND c", And((t("a"), t("b"), t("c")))),
        ("a OR b c", Or((t("a"), And((t("b"), t("c")))))),
        ("NOT a b", And((Not(t("a")), t("b")))),
        ("-a -(b OR c)", And((Not(t("a")), Not(Or((t("b"), t("c"))))))),
        ("a NEAR/2 b c", And((Near(t("a"), t("b"), 2), t("c")))),
        ("a NEAR/2 b OR c", Or((Near(t("a"), t("b"), 2), t("c")))),
        ("(a OR b) NEAR/5 c", Near(Or((t("a"), t("b"))), t("c"), 5)),
        ("and or not near", And((t("and"), t("or"), t("not"), t("near")))),
        ("e-mail", t("e-mail")),
        ("Author:@Iberia", Field("author", "iberia")),
        ('brand:"Air Europa"', Field("brand", "air europa")),
        ("SENTIMENT:Negative", Field("sentiment", "negative")),
        ("intent:promo", Field("intent", "promo")),
        ("lang:ES", Field("lang", "es")),
        ("has:link", Field("has", "link")),
        ("date:2017-11-01..2017-11-30", DateRange(date(2017, 11, 1), date(2017, 12, 1))),
        ("date:2017-11-01", DateRange(date(2017, 11, 1), date(2017, 11, 2))),
        ("date:>=2017-11-01", DateRange(date(2017, 11, 1), None)),
        ("date:>2017-11-01", DateRange(date(2017, 11, 2), None)),
        ("date:<2018-01-01", DateRange(None, date(2018, 1, 1))),
        ("date:<=2018-01-01", DateRange(None, date(2018, 1, 2))),
        ("date:2017-11-01..", DateRange(date(2017, 11, 1), None)),
        ("date:..2017-11-30", DateRange(None, date(2017, 12, 1))),
    ],
)
def test_tree(text: str, tree) -> None:
    assert parse(text).root == tree


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("a b OR c", "(a AND b) OR c"),
        ("NOT a OR b c", "NOT a OR (b AND c)"),
        ("(brand:Iberia OR brand:Vueling) intent:complaint -lang:en",
         "(brand:iberia OR brand:vueling) AND intent:complaint AND NOT lang:en"),
        ('brand:"Air Europa" "Lost luggage" Avión',
         'brand:"air europa" AND "lost luggage" AND avion'),
        ("date:>2017-11-30 date:<2018-01-01 date:2017-11-05",
         "date:2017-12-01.. AND date:..2017-12-31 AND date:2017-11-05"),
        ("a NEAR/2 b NEAR/3 c", "(a NEAR/2 b) NEAR/3 c"),
        ('"-x" OR "brand:x" OR "(y"', '"-x" OR "brand:x" OR "(y"'),
    ],
)  # fmt: skip
def test_explain_is_normalised_and_parses_to_the_same_tree(text: str, normal: str) -> None:
    assert explain(text) == normal
    assert str(parse(text)) == normal
    assert parse(normal).root == parse(text).root


FIELDS_HINT = "(fields: author, lang, source, brand, sentiment, intent, has, date, category)"


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "empty query"),
        ("   ", 0, "empty query"),
        ("(a OR b", 0, "unbalanced parenthesis at position 0"),
        ("author:x AND (a", 13, "unbalanced parenthesis at position 13"),
        ("a OR b)", 6, "unbalanced parenthesis at position 6"),
        ("()", 0, "empty parentheses at position 0"),
        ("autor:x", 0, f"unknown field 'autor' at position 0 {FIELDS_HINT}"),
        ("a OR Brnd:x", 5, "unknown field 'brnd' at position 5"),
        ("delay NEAR refund", 6, "NEAR needs a distance, e.g. NEAR/3, at position 6"),
        ("delay NEAR/x refund", 6, "NEAR needs a distance"),
        ("delay NEAR/0 refund", 11, "NEAR distance must be 1 or more at position 11"),
        ("brand:x NEAR/3 refund", 0, "NEAR works on words and phrases"),
        ("delay NEAR/3 NOT refund", 13, "NEAR works on words and phrases"),
        ("NOT a NEAR/2 b", 0, "NEAR works on words and phrases"),
        (
            "sentiment:bad",
            10,
            "sentiment must be one of negative, neutral, positive at position 10",
        ),
        ("intent:angry", 7, "intent must be one of wish, complaint, question, praise, promo"),
        ("has:photo", 4, "has must be one of link at position 4"),
        ("lang:español", 5, "lang must be a language code"),
        ("author:", 7, "author: needs a value, e.g. author:iberia, at position 7"),
        ('brand:""', 7, "brand: needs a value"),
        ("brand:Iber*", 10, "'*' works in words, not in field values, at position 10"),
        ("date:2017-13-01", 5, "invalid date '2017-13-01' (expected YYYY-MM-DD) at position 5"),
        ("date:2017-11-01..30", 17, "invalid date '30'"),
        ("date:>=yesterday", 7, "invalid date 'yesterday'"),
        ("date:..", 5, "date range needs a date"),
        ("date:2017-12-01..2017-11-01", 5, "date range ends before it starts at position 5"),
        ("a AND", 2, "AND needs a term after it at position 2"),
        ("AND a", 0, "AND needs a term before it at position 0"),
        ("a OR", 2, "OR needs a term after it at position 2"),
        ("a OR OR b", 2, "OR needs a term after it at position 2"),
        ("(OR a)", 1, "OR needs a term before it at position 1"),
        ("a NOT", 2, "NOT needs a term after it at position 2"),
        ("a NEAR/3", 2, "NEAR/3 needs a term after it at position 2"),
        ("a -", 2, "'-' must touch what it excludes"),
        ("*cancel", 0, "'*' only at the end of a word, e.g. cancel*, at position 0"),
        ("can*cel", 3, "'*' only at the end of a word"),
        ('"lost *luggage"', 6, "'*' only at the end of a word"),
        ("cancel**", 6, "'*' only at the end of a word"),
        ("!!!", 0, "'!!!' has no letter or digit to search for at position 0"),
        ('"lost luggage', 0, "unclosed quote at position 0"),
        ('brand:"Air Europa', 6, "unclosed quote at position 6"),
        ('"  "', 0, "empty phrase at position 0"),
    ],
)
def test_syntax_error(text: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert caught.value.position == position
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, UserError)


def test_render_puts_a_caret_under_the_problem() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse("vuelo AND\t(retraso OR")
    assert caught.value.render() == "vuelo AND (retraso OR\n                   ^"
