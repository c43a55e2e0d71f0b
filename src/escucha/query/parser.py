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
MAX_LENGTH = 10_000  # characters: also keeps every LIKE pattern under SQLite's 50,000 bytes
MAX_DEPTH = 50  # nested parentheses and NOTs: deeper would overflow Python's stack
MAX_TERMS = 100  # words, phrases and fields: each costs a pattern test per candidate post
MAX_PHRASE_WORDS = 32


def parse_tree(query: str) -> Node:
    """The syntax tree of `query`; QuerySyntaxError says what is wrong and where."""
    return _Parser(query).parse()


class _Parser:
    def __init__(self, query: str) -> None:
        if len(query) > MAX_LENGTH:
            raise syntax_error("query_too_long", MAX_LENGTH, query, limit=MAX_LENGTH)
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        self.depth = 0
        self.terms = 0

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

    def enter(self, token: Token) -> None:
        """One level deeper (a parenthesis or a NOT); a syntax error past MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("query_too_deep", token.pos, limit=MAX_DEPTH)

    def count_term(self, pos: int) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error("query_too_many_terms", pos, limit=MAX_TERMS)

    def parse_unary(self) -> Node:
        token = self.peek()
        if token.kind in ("NOT", "-"):
            self.take()
            self.operand_after(token)
            self.enter(token)
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
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
                self.enter(token)
                node = self.parse_or()
                if self.take().kind != ")":
                    raise self.error("query_unbalanced", token.pos)
                self.depth -= 1
                return node
            case "word":
                self.count_term(token.pos)
                return self.term([(token.text, token.pos)], token.pos)
            case "phrase":
                self.count_term(token.pos)
                words = _split(token.text, token.pos + 1)
                if len(words) > MAX_PHRASE_WORDS:
                    raise self.error("query_phrase_too_long", token.pos, limit=MAX_PHRASE_WORDS)
                return self.term(words, token.pos)
            case "field":
                self.count_term(token.pos)
                return field_node(token.name, token.text, token.pos, token.value_pos, self.query)
            case ")":
                raise self.error("query_unbalanced", token.pos)
        raise self.error("query_term_before", token.pos, operator=token.text)

    def term(self, words: list[tuple[str, int]], pos: int) -> Term:
        """A word or phrase; '*' only ends a word; words of only punctuation are dropped."""
        folded: list[str] = []
        for word, at in words:
            star = word.find("*")
            if star >= 0 and (star != len(word) - 1 or star == 0):
                raise self.error("query_star_inside", at + star)
            if has_word_char(word):  # folding may open a space ("a¨b" is "a b"): two words
                folded.extend(part for part in fold(word).split() if has_word_char(part))
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
