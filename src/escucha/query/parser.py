"""Recursive-descent parser. Binding, tightest first: NOT (and -), NEAR/n, AND (or adjacency), OR.

query = or ;  or = and {"OR" and} ;  and = near {["AND"] near} ;
near = unary {"NEAR/n" unary} ;  unary = ("NOT" | "-") unary | primary ;
primary = "(" or ")" | field | phrase | word
"""

from __future__ import annotations

from escucha.core.text import fold
from escucha.i18n.catalogue import Message
from escucha.query.ast import And, Near, Node, Not, Or, Term
from escucha.query.errors import QuerySyntaxError, syntax_error
from escucha.query.fields import field_node
from escucha.query.lexer import Token, tokenize
from escucha.query.text import has_word_char

_STARTS_OPERAND = {"word", "phrase", "field", "(", "NOT", "-"}


def parse_tree(query: str) -> Node:
    """The syntax tree of `query`; QuerySyntaxError says what is wrong and where."""
    return _Parser(query).parse()


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, key: str, pos: int, **params: object) -> QuerySyntaxError:
        return syntax_error(key, pos, self.query, **params)

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise QuerySyntaxError(Message("query_empty"), 0, self.query)
        node = self.parse_or()
        token = self.peek()
        if token.kind != "end":  # only a ')' without its '(' can stop parse_or early
            raise self.error("query_unbalanced", token.pos)
        return node

    def operand_after(self, operator: Token) -> None:
        """Fail unless something an operator can apply to comes next."""
        if self.peek().kind not in _STARTS_OPERAND:
            raise self.error("query_term_after", operator.pos, operator=operator.text)

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek().kind == "OR":
            self.operand_after(self.take())
            children.append(self.parse_and())
        return _flat(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_near()]
        while True:
            if self.peek().kind == "AND":
                self.operand_after(self.take())
            elif self.peek().kind not in _STARTS_OPERAND:
                break
            children.append(self.parse_near())
        return _flat(And, children)

    def parse_near(self) -> Node:
        start = self.peek().pos
        left = self.parse_unary()
        while self.peek().kind == "NEAR":
            near = self.take()
            self.operand_after(near)
            right_pos = self.peek().pos
            right = self.parse_unary()
            self.check_near_operand(left, start)
            self.check_near_operand(right, right_pos)
            left = Near(left, right, near.distance)
        return left

    def check_near_operand(self, node: Node, pos: int) -> None:
        if not _nearable(node):
            raise self.error("query_near_operands", pos)

    def parse_unary(self) -> Node:
        token = self.peek()
        if token.kind in ("NOT", "-"):
            self.take()
            self.operand_after(token)
            return Not(self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.take()
        match token.kind:
            case "(":
                if self.peek().kind == ")":
                    raise self.error("query_empty_parentheses", token.pos)
                if self.peek().kind not in _STARTS_OPERAND:
                    inner = self.peek()
                    raise self.error("query_term_before", inner.pos, operator=inner.text)
                node = self.parse_or()
                if self.take().kind != ")":
                    raise self.error("query_unbalanced", token.pos)
                return node
            case "word":
                return self.term([(token.text, token.pos)], token.pos)
            case "phrase":
                return self.term(_split(token.text, token.pos + 1), token.pos)
            case "field":
                return field_node(token.name, token.text, token.pos, token.value_pos, self.query)
            case ")":
                raise self.error("query_unbalanced", token.pos)
        raise self.error("query_term_before", token.pos, operator=token.text)

    def term(self, words: list[tuple[str, int]], pos: int) -> Term:
        """A word or phrase; '*' only ends a word; words of only punctuation are dropped."""
        folded = []
        for word, at in words:
            star = word.find("*")
            if star >= 0 and (star != len(word) - 1 or star == 0):
                raise self.error("query_star_inside", at + star)
            if has_word_char(word):
                folded.append(fold(word))
            elif len(words) == 1:
                raise self.error("query_no_letter", at, word=word)
        if not folded:
            raise self.error("query_empty_phrase", pos)
        return Term(tuple(folded))


def _split(phrase: str, offset: int) -> list[tuple[str, int]]:
    """Whitespace-separated words of a phrase with their offsets in the query."""
    words, i = [], 0
    for word in phrase.split():
        i = phrase.index(word, i)
        words.append((word, offset + i))
        i += len(word)
    return words


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One child is itself; nested ANDs (or ORs) merge into one."""
    if len(children) == 1:
        return children[0]
    merged: list[Node] = []
    for child in children:
        merged.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(merged))


def _nearable(node: Node) -> bool:
    if isinstance(node, Term | Near):
        return True
    return isinstance(node, Or) and all(_nearable(c) for c in node.children)
