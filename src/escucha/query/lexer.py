"""Split a query into tokens: words, "phrases", name:value fields, operators, parentheses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from escucha.query.errors import syntax_error

Kind = Literal["word", "phrase", "field", "AND", "OR", "NOT", "NEAR", "(", ")", "-", "end"]
_FIELD = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"NEAR/(\d+)")
_STOP = set('()"')
_OPERATORS: dict[str, Kind] = {"AND": "AND", "OR": "OR", "NOT": "NOT"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    pos: int  # offset of the token's first character
    text: str = ""  # as written: the word, the phrase's inside, the field's value, the operator
    name: str = ""  # a field's name, lower-cased
    value_pos: int = 0  # offset of a field's value
    distance: int = 0  # NEAR/n


def _closing_quote(query: str, opening: int) -> int:
    end = query.find('"', opening + 1)
    if end < 0:
        raise syntax_error("query_unclosed_quote", opening, query)
    return end


def tokenize(query: str) -> list[Token]:
    """Tokens of `query`, ending with an 'end' token; QuerySyntaxError on a malformed one."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Token("(" if c == "(" else ")", i, c))
            i += 1
        elif c == '"':
            end = _closing_quote(query, i)
            tokens.append(Token("phrase", i, query[i + 1 : end]))
            i = end + 1
        elif c == "-":
            if i + 1 == n or query[i + 1].isspace() or query[i + 1] == ")":
                raise syntax_error("query_minus_apart", i, query)
            tokens.append(Token("-", i, "-"))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOP:
                j += 1
            tokens.append(_bare(query, i, j))
            if tokens[-1].kind == "field" and not tokens[-1].text and j < n and query[j] == '"':
                end = _closing_quote(query, j)
                tokens[-1] = Token("field", i, query[j + 1 : end], tokens[-1].name, j + 1)
                j = end + 1
            i = j
    tokens.append(Token("end", n))
    return tokens


def _bare(query: str, start: int, end: int) -> Token:
    """An operator, a `name:value` field or a word, from an unquoted run of characters."""
    text = query[start:end]
    if text in _OPERATORS:
        return Token(_OPERATORS[text], start, text)
    if text == "NEAR" or text.startswith("NEAR/"):
        near = _NEAR.fullmatch(text)
        if not near:
            raise syntax_error("query_near_distance", start, query)
        if int(near[1]) < 1:
            raise syntax_error("query_near_minimum", start + 5, query)
        return Token("NEAR", start, text, distance=int(near[1]))
    field = _FIELD.match(text)
    if field:
        value_pos = start + field.end()
        return Token("field", start, text[field.end() :], field[1].lower(), value_pos)
    return Token("word", start, text)
