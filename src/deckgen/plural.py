"""Plural-form expressions of gettext catalogs, evaluated safely.

A catalog's ``Plural-Forms`` header holds a C expression in ``n`` that picks the plural
form of a count (``plural=(n > 1);``). Catalogs come from translators, so the expression
is untrusted: it is parsed here by a small recursive-descent parser, within a size and a
nesting limit, into a tree evaluated with the integer semantics of GNU gettext (``n`` and
every value an unsigned 64-bit ``unsigned long``), never by Python's ``eval``. Division or
modulo by zero is an error, not a crash, and the cost of one evaluation is bounded by the
size of the expression.

>>> rule = compile_plural("n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 ? 1 : 2")
>>> [rule(n) for n in (1, 3, 5, 22)]
[0, 1, 2, 1]

The grammar is GNU gettext's (``plural.y``): ``?:`` (right-associative), ``||``, ``&&``,
``==`` ``!=``, ``<`` ``>`` ``<=`` ``>=``, ``+`` ``-``, ``*`` ``/`` ``%``, unary ``!``,
parentheses, ``n`` and decimal numbers. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

#: the longest expression accepted (real ones are under 150 characters)
MAX_LENGTH = 500
#: the deepest nesting accepted (parentheses, ``!``, ``?:``); real ones nest a few levels
MAX_DEPTH = 32
#: every value is an unsigned long of 64 bits, as in GNU gettext on 64-bit systems
MASK = (1 << 64) - 1

_TOKEN = re.compile(r"\s*(?:(?P<number>[0-9]+)|(?P<n>n)|(?P<op>\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]

Node = tuple  # ("n",), ("num", value), ("!", node), (op, left, right), ("?", cond, then, other)


class PluralError(ValueError):
    """A plural expression that cannot be read or evaluated; the message says why."""


def _tokens(expr: str) -> list[str]:
    out, pos = [], 0
    text = expr.rstrip().removesuffix(";").rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            shown = text[pos:].lstrip()[:10]
            raise PluralError(f"unexpected '{shown}' at character {pos + 1}; only n, numbers, "
                              "parentheses and the C operators + - * / % < > <= >= == != && || ! ?: are allowed")
        token = m.group("number") or m.group("n") or m.group("op")
        if m.group("number") and int(token) > MASK:
            raise PluralError(f"the number {token[:30]} is too large")
        out.append(token)
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise PluralError("the expression ends too early" + (f"; '{expected}' is missing" if expected else ""))
        if expected is not None and token != expected:
            raise PluralError(f"'{expected}' expected, found '{token}'")
        self.pos += 1
        return token

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise PluralError(f"the expression nests more than {MAX_DEPTH} levels deep")

    def expression(self) -> Node:
        self.nested()
        cond = self.binary(0)
        if self.peek() == "?":
            self.take()
            then = self.expression()
            self.take(":")
            other = self.expression()
            cond = ("?", cond, then, other)
        self.depth -= 1
        return cond

    def binary(self, level: int) -> Node:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BINARY[level]:
            op = self.take()
            left = (op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token == "!":
            self.take()
            self.nested()
            node = ("!", self.unary())
            self.depth -= 1
            return node
        if token == "(":
            self.take()
            node = self.expression()
            self.take(")")
            return node
        if token == "n":
            self.take()
            return ("n",)
        if token is not None and token.isdigit():
            return ("num", int(self.take()))
        raise PluralError("the expression ends too early" if token is None else f"unexpected '{token}'")


def parse(expr: str) -> Node:
    """The tree of a plural expression; raise :class:`PluralError` if it is not one."""
    if len(expr) > MAX_LENGTH:
        raise PluralError(f"the expression is longer than {MAX_LENGTH} characters")
    tokens = _tokens(expr)
    if not tokens:
        raise PluralError("the expression is empty")
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.peek() is not None:
        raise PluralError(f"unexpected '{parser.peek()}' after the end of the expression")
    return tree


def evaluate(tree: Node, n: int) -> int:
    """The value of *tree* for the count *n*, in unsigned 64-bit arithmetic."""
    kind = tree[0]
    if kind == "n":
        return n & MASK
    if kind == "num":
        return int(tree[1])
    if kind == "!":
        return int(evaluate(tree[1], n) == 0)
    if kind == "?":
        return evaluate(tree[2] if evaluate(tree[1], n) else tree[3], n)
    if kind == "||":
        return int(bool(evaluate(tree[1], n)) or bool(evaluate(tree[2], n)))
    if kind == "&&":
        return int(bool(evaluate(tree[1], n)) and bool(evaluate(tree[2], n)))
    a, b = evaluate(tree[1], n), evaluate(tree[2], n)
    if kind in ("/", "%") and b == 0:
        raise PluralError(f"it divides by zero for n = {n}")
    return _OPS[kind](a, b) & MASK


_OPS: dict[str, Callable[[int, int], int]] = {
    "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b), ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b), ">=": lambda a, b: int(a >= b),
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a // b, "%": lambda a, b: a % b,
}


def compile_plural(expr: str) -> Callable[[int], int]:
    """A function from a count to its plural form; raise :class:`PluralError` if *expr* is not valid.

    The function raises :class:`PluralError` for a count where the expression divides by zero.
    """
    tree = parse(expr)
    return lambda n: evaluate(tree, n)


def check_plural(expr: str, nplurals: int, counts: Iterable[int] = ()) -> str | None:
    """What is wrong with *expr* for a catalog of *nplurals* forms, or None.

    It is evaluated for n = 0…1000 and for every count in *counts* (the numbers a deck shows);
    each must give a form from 0 to ``nplurals - 1``.
    """
    try:
        rule = compile_plural(expr)
        for n in sorted({*range(1001), *(abs(int(c)) for c in counts)}):
            form = rule(n)
            if not 0 <= form < nplurals:
                shown = form if form < 1 << 63 else form - (1 << 64)  # below zero, as unsigned
                return f"it gives plural form {shown} for n = {n}, but the catalog has {nplurals} (0 to {nplurals - 1})"
    except PluralError as exc:
        return str(exc)
    return None
