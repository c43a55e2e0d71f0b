"""The XLSForm expression subset: parse, check references, find cycles, evaluate.

Expressions come from spreadsheets other people wrote, so they are parsed by a small
recursive-descent parser into a tree and evaluated by walking it; nothing is ever handed to
`eval`. The subset is what display logic, constraints and calculations use:

    ${name}  .  'text' "text"  12  3.5  bare-name (a choice column, in choice filters)
    or  and  = != < <= > >=  + - * div mod  unary -  ( )
    not() selected() count-selected() string-length() today() if() true() false()
    number() int() round() concat() coalesce() contains() starts-with() ends-with()
    substr() string() boolean() floor() ceiling() abs() pow() sqrt() min() max()

Values follow XPath 1.0 loosely, as ODK does: an unanswered question is '' (its number is NaN,
so `${age} >= 15` is false until it is answered); a multiple choice answer is its choice names
joined by spaces; ISO dates compare as dates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from escucha.errors import UserError


class ExpressionError(UserError):
    """An expression that cannot be parsed or evaluated; the message says where."""


@dataclass(frozen=True)
class Ref:
    name: str  # ${name}


@dataclass(frozen=True)
class Current:
    """`.`: the question's own answer (constraints)."""


@dataclass(frozen=True)
class Column:
    name: str  # a bare name: a column of the choices sheet (choice filters)


@dataclass(frozen=True)
class Literal:
    value: str | float


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Ref | Current | Column | Literal | Unary | Binary | Call

# name -> (fewest, most) arguments; most None = any number
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "today": (0, 0),
    "if": (3, 3),
    "true": (0, 0),
    "false": (0, 0),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "concat": (1, None),
    "coalesce": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "substr": (2, 3),
    "string": (1, 1),
    "boolean": (1, 1),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "abs": (1, 1),
    "pow": (2, 2),
    "sqrt": (1, 1),
    "min": (1, None),
    "max": (1, None),
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<refname>[^}]*?)\s*\})
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
      | (?P<dot>\.(?![\w.]))
      | (?P<name>[A-Za-z_][\w.-]*)
    )""",
    re.VERBOSE,
)
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_PIPED = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int  # 1-based character position, for error messages


def _tokens(text: str) -> list[_Token]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ExpressionError(f"unexpected {text[start]!r} at character {start + 1}")
        kind = match.lastgroup or ""
        if kind == "refname":
            kind = "ref"
        value = match.group("refname") if kind == "ref" else match.group(kind)
        if kind == "ref" and not _NAME.match(value or ""):
            raise ExpressionError(f"${{{value}}} at character {match.start(kind) + 1} is no name")
        out.append(_Token(kind, value, match.start(kind) + 1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        node = self._or()
        if self.i < len(self.tokens):
            token = self.tokens[self.i]
            raise ExpressionError(f"unexpected {token.text!r} at character {token.at}")
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _take(self, kind: str, *texts: str) -> _Token | None:
        token = self._peek()
        if token and token.kind == kind and (not texts or token.text in texts):
            self.i += 1
            return token
        return None

    def _expect(self, text: str) -> None:
        if self._take("op", text) is None:
            token = self._peek()
            where = f"{token.text!r} at character {token.at}" if token else "the end"
            raise ExpressionError(f"expected {text!r}, found {where}")

    def _binary(self, inner: Callable[[], Node], kind: str, ops: tuple[str, ...]) -> Node:
        node = inner()
        while (token := self._take(kind, *ops)) is not None:
            node = Binary(token.text, node, inner())
        return node

    def _or(self) -> Node:
        return self._binary(self._and, "name", ("or",))

    def _and(self) -> Node:
        return self._binary(self._equality, "name", ("and",))

    def _equality(self) -> Node:
        return self._binary(self._relational, "op", ("=", "!="))

    def _relational(self) -> Node:
        return self._binary(self._additive, "op", ("<", "<=", ">", ">="))

    def _additive(self) -> Node:
        return self._binary(self._multiplicative, "op", ("+", "-"))

    def _multiplicative(self) -> Node:
        node = self._unary()
        while True:
            token = self._take("op", "*") or self._take("name", "div", "mod")
            if token is None:
                return node
            node = Binary(token.text, node, self._unary())

    def _unary(self) -> Node:
        if self._take("op", "-"):
            return Unary("-", self._unary())
        return self._primary()

    def _primary(self) -> Node:
        token = self._peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.i += 1
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind == "dot":
            return Current()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "op" and token.text == "(":
            node = self._or()
            self._expect(")")
            return node
        if token.kind == "name" and token.text not in ("and", "or", "div", "mod"):
            if self._take("op", "("):
                return self._call(token)
            return Column(token.text)
        raise ExpressionError(f"unexpected {token.text!r} at character {token.at}")

    def _call(self, token: _Token) -> Node:
        if token.text not in FUNCTIONS:
            raise ExpressionError(f"unknown function {token.text}() at character {token.at}")
        args: list[Node] = []
        if not self._take("op", ")"):
            args.append(self._or())
            while self._take("op", ","):
                args.append(self._or())
            self._expect(")")
        fewest, most = FUNCTIONS[token.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError(
                f"{token.text}() at character {token.at} takes "
                + (f"{fewest}" if fewest == most else f"{fewest} or more")
                + f" arguments, not {len(args)}"
            )
        return Call(token.text, tuple(args))


def parse(text: str) -> Node:
    """The expression's tree; `ExpressionError` names the first problem and its place."""
    return _Parser(text).parse()


def references(node: Node) -> set[str]:
    """The question names an expression refers to with ${name}."""
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, Unary):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        return set().union(*(references(a) for a in node.args)) if node.args else set()
    return set()


def columns(node: Node) -> set[str]:
    """The bare names (choice columns) an expression uses."""
    if isinstance(node, Column):
        return {node.name}
    if isinstance(node, Unary):
        return columns(node.operand)
    if isinstance(node, Binary):
        return columns(node.left) | columns(node.right)
    if isinstance(node, Call):
        return set().union(*(columns(a) for a in node.args)) if node.args else set()
    return set()


def piped(text: str) -> set[str]:
    """The names piped into a label with ${name}."""
    return {m.group(1) for m in _PIPED.finditer(text)}


def pipe(text: str, answers: Mapping[str, Any]) -> str:
    """A label with each ${name} replaced by its answer ('' when unanswered)."""
    return _PIPED.sub(lambda m: _string(_value(answers.get(m.group(1)))), text)


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A circle of names in `graph` (name -> names it depends on), e.g. [a, b, a], or None."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in graph:
        if state.get(start):
            continue
        path: list[str] = [start]
        stack = [iter(graph.get(start, ()))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and nxt in graph:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph.get(nxt, ())))
    return None


# --- evaluation -----------------------------------------------------------------------


def _value(answer: Any) -> str | float | bool:
    """An answer as an XPath value: '' when missing, names joined by spaces for lists."""
    if answer is None:
        return ""
    if isinstance(answer, bool | float | str):
        return answer
    if isinstance(answer, int):
        return float(answer)
    if isinstance(answer, dt.date):
        return answer.isoformat()
    if isinstance(answer, Sequence):
        return " ".join(str(a) for a in answer)
    return str(answer)


def _number(value: str | float | bool) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(value.strip())
    except ValueError:
        return math.nan


def _boolean(value: str | float | bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def _string(value: str | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _compare(op: str, left: str | float | bool, right: str | float | bool) -> bool:
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            same = _boolean(left) == _boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            same = _number(left) == _number(right)
        else:
            same = left == right
        return same if op == "=" else not same
    if (
        isinstance(left, str)
        and isinstance(right, str)
        and _DATE.match(left)
        and _DATE.match(right)
    ):
        a: Any = left
        b: Any = right
    else:
        a, b = _number(left), _number(right)
        if math.isnan(a) or math.isnan(b):
            return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _arithmetic(op: str, left: float, right: float) -> float:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return math.nan if op == "mod" or left == 0 else math.copysign(math.inf, left)
    return left / right if op == "div" else math.fmod(left, right)


class _Evaluator:
    def __init__(
        self,
        answers: Mapping[str, Any],
        current: Any,
        choice: Mapping[str, str],
        today: dt.date,
    ) -> None:
        self.answers = answers
        self.current = current
        self.choice = choice
        self.today = today

    def run(self, node: Node) -> str | float | bool:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Ref):
            return _value(self.answers.get(node.name))
        if isinstance(node, Current):
            return _value(self.current)
        if isinstance(node, Column):
            return self.choice.get(node.name, "")
        if isinstance(node, Unary):
            return -_number(self.run(node.operand))
        if isinstance(node, Binary):
            return self._binary(node)
        return self._call(node)

    def _binary(self, node: Binary) -> str | float | bool:
        if node.op == "and":
            return _boolean(self.run(node.left)) and _boolean(self.run(node.right))
        if node.op == "or":
            return _boolean(self.run(node.left)) or _boolean(self.run(node.right))
        left, right = self.run(node.left), self.run(node.right)
        if node.op in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(node.op, left, right)
        return _arithmetic(node.op, _number(left), _number(right))

    def _call(self, node: Call) -> str | float | bool:
        name, args = node.name, node.args
        if name == "if":
            return self.run(args[1]) if _boolean(self.run(args[0])) else self.run(args[2])
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "today":
            return self.today.isoformat()
        values = [self.run(a) for a in args]
        if name == "not":
            return not _boolean(values[0])
        if name == "selected":
            return _string(values[1]).strip() in _string(values[0]).split()
        if name == "count-selected":
            return float(len(_string(values[0]).split()))
        if name == "string-length":
            return float(len(_string(values[0])))
        if name == "number":
            return _number(values[0])
        if name == "int":
            number = _number(values[0])
            return float(math.trunc(number)) if math.isfinite(number) else number
        if name == "round":
            digits = int(_number(values[1])) if len(values) > 1 else 0
            number = _number(values[0])
            if not math.isfinite(number):
                return number
            scale = 10.0**digits
            return math.floor(number * scale + 0.5) / scale
        if name == "concat":
            return "".join(_string(v) for v in values)
        if name == "coalesce":
            return values[0] if _string(values[0]) != "" else values[1]
        return self._more(name, values)

    def _more(self, name: str, values: list[str | float | bool]) -> str | float | bool:
        if name in ("contains", "starts-with", "ends-with"):
            text, part = _string(values[0]), _string(values[1])
            if name == "contains":
                return part in text
            return text.startswith(part) if name == "starts-with" else text.endswith(part)
        if name == "substr":  # XPath: 1-based start, optional length
            text, start = _string(values[0]), _number(values[1])
            if not math.isfinite(start):
                return ""
            begin = max(round(start) - 1, 0)
            length = _number(values[2]) if len(values) > 2 else math.inf
            if math.isnan(length):
                return ""
            return (
                text[begin:] if math.isinf(length) else text[begin : begin + max(round(length), 0)]
            )
        if name == "string":
            return _string(values[0])
        if name == "boolean":
            return _boolean(values[0])
        numbers = [_number(v) for v in values]
        if name in ("min", "max"):
            if any(math.isnan(n) for n in numbers):
                return math.nan
            return min(numbers) if name == "min" else max(numbers)
        number = numbers[0]
        if name == "pow":
            try:
                return math.pow(number, numbers[1])
            except (OverflowError, ValueError):
                return math.nan
        if not math.isfinite(number):
            return number
        if name == "floor":
            return float(math.floor(number))
        if name == "ceiling":
            return float(math.ceil(number))
        if name == "abs":
            return abs(number)
        return math.sqrt(number) if number >= 0 else math.nan  # sqrt


def evaluate(
    node: Node,
    answers: Mapping[str, Any],
    *,
    current: Any = None,
    choice: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> str | float | bool:
    """The expression's value given the answers so far (`current`: the answer `.` means;
    `choice`: the columns of the choice a choice filter is checking)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return _Evaluator(answers, current, choice or {}, day).run(node)


def holds(
    node: Node,
    answers: Mapping[str, Any],
    *,
    current: Any = None,
    choice: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> bool:
    """Whether the expression is true (XPath's boolean() of its value)."""
    return _boolean(evaluate(node, answers, current=current, choice=choice, today=today))
