"""The expression subset: parsing without eval, references, circles and evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from escucha.research.expressions import (
    ExpressionError,
    evaluate,
    find_cycle,
    holds,
    parse,
    pipe,
    piped,
    references,
)


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${age} >= 15 and ${age} <= 49", {"age": 20}, True),
        ("${age} >= 15 and ${age} <= 49", {"age": 50}, False),
        ("${age} >= 15", {}, False),  # unanswered: NaN compares false
        ("${sex}='female' or not(${age} > 3)", {"sex": "male", "age": 2}, True),
        ("selected(${uses}, 'b')", {"uses": ["a", "b"]}, True),
        ("selected(${uses}, 'c')", {"uses": ["a", "b"]}, False),
        ("count-selected(${uses}) = 2", {"uses": ["a", "b"]}, True),
        ("string-length(${name}) > 3", {"name": "Lucía"}, True),
        ("if(${n} > 1, 'many', 'one') = 'many'", {"n": 5}, True),
        ("(${a} + 2) * 3 div 2 = 6 and 7 mod 4 = 3", {"a": 2}, True),
        ("-${a} < 0", {"a": 1}, True),
        ("${d} < today()", {"d": dt.date(2020, 1, 1)}, True),
        ("${d} > '2020-06-01'", {"d": "2020-01-01"}, False),
        ("${x} = ''", {}, True),
        ("${x} != 'yes'", {"x": "yes"}, False),
        ("true() and not(false())", {}, True),
    ],
)
def test_evaluate(text, answers, expected):
    assert holds(parse(text), answers, today=dt.date(2026, 11, 30)) is expected


def test_current_value_and_choice_columns():
    constraint = parse(". >= 0 and . <= 120")
    assert holds(constraint, {}, current=30) and not holds(constraint, {}, current=121)
    assert not holds(constraint, {}, current=None)
    flt = parse("${state}=cf")
    assert holds(flt, {"state": "texas"}, choice={"cf": "texas"})
    assert not holds(flt, {"state": "texas"}, choice={"cf": "washington"})
    assert evaluate(parse("round(${x} div 3, 2)"), {"x": 10}) == pytest.approx(3.33)
    assert evaluate(parse("concat(${a}, '-', 2)"), {"a": "x"}) == "x-2"


def test_references_and_piping():
    node = parse("${a} > 1 and selected(${b}, 'x') or if(${c}, 1, 2) = 1")
    assert references(node) == {"a", "b", "c"}
    assert piped("Hola ${name}, ¿${ q }?") == {"name", "q"}
    assert pipe("Hola ${name}, tienes ${age}", {"name": "Ana", "age": 30}) == "Hola Ana, tienes 30"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${a} >", "ends too early"),
        ("${a} = 'x", 'unexpected "\'" at character 8'),
        ("pulldata('f', 'x')", "unknown function pulldata()"),
        ("not(${a}, ${b})", "takes 1 arguments, not 2"),
        ("(${a} = 1", "expected ')'"),
        ("${a} = 1)", "unexpected ')' at character 9"),
        ("${a b} = 1", "is no name"),
        ("__import__('os')", "unknown function __import__()"),
        ("", "empty"),
        ("${a} ; 1", "unexpected ';'"),
    ],
)
def test_broken_expressions_name_the_problem(text, message):
    with pytest.raises(ExpressionError, match=None) as caught:
        parse(text)
    assert message in str(caught.value)


def test_find_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    cycle = find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert find_cycle({"x": {"x"}}) == ["x", "x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contains(${s}, 'ell')", True),
        ("starts-with(${s}, 'he') and ends-with(${s}, 'lo')", True),
        ("substr(${s}, 2, 3)", "ell"),
        ("substr(${s}, 4)", "lo"),
        ("floor(-2.5) + ceiling(2.1) + abs(-1)", 1.0),
        ("pow(2, 10) + sqrt(16)", 1028.0),
        ("min(3, ${n}, 7)", 1.0),
        ("max(3, ${n}, 7)", 7.0),
        ("sqrt(-1) = sqrt(-1)", False),  # NaN is equal to nothing
        ("boolean('') or string(1.5) = '1.5'", True),
        ("1 div 0 > 1000000", True),
    ],
)
def test_more_functions(text, expected):
    assert evaluate(parse(text), {"s": "hello", "n": 1}) == expected
