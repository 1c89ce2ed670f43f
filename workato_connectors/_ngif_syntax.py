"""The syntax of Workato ``ngIf`` expressions: tokenizer, syntax tree and parser.

Grammar (EBNF; ASCII whitespace between tokens is ignored)::

    expression = and , { "||" , and } ;
    and        = equality , { "&&" , equality } ;
    equality   = unary , [ ( "==" | "===" | "!=" | "!==" ) , unary ] ;
    unary      = { "!" } , primary ;
    primary    = "(" , expression , ")" | operand ;
    operand    = path | literal ;
    path       = "line" , "." , name , { "." , name } ;
    literal    = string | number | "true" | "false" | "null" | "undefined" ;

Tokens: ``name`` is ASCII ``[A-Za-z_$][A-Za-z0-9_$]*`` (keywords are allowed after a
dot: ``line.null`` is a path); ``string`` is single- or double-quoted with backslash
escapes (``\\n \\t \\r \\b \\f \\v \\0 \\xHH \\uHHHH``, any other escaped character
stands for itself); ``number`` is ``-?(D+(.D*)?|.D+)([eE][+-]?D+)?`` and must be finite.

Precedence is JavaScript's: ``||`` < ``&&`` < equality < ``!`` < primary, so
``!line.a == 'x'`` means ``(!line.a) == 'x'`` (a boolean compared with ``'x'``) and
``!(line.a == 'x')`` negates the comparison. Comparisons do not chain, and one side of a
comparison must be a literal; the other is a path, a literal or a negated operand or
group (``!line.a == true``, ``false != !(line.a || line.b)``). So two fields are never
compared, and neither is a parenthesised group without ``!`` (its JavaScript value is an
operand's, not a boolean). Input longer than 2,000 characters or nested deeper than 32
parentheses is rejected. Anything else is a syntax error.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "And",
    "Compare",
    "Literal",
    "NgIfSyntaxError",
    "Node",
    "Not",
    "Or",
    "Path",
    "Scalar",
    "as_boolean",
    "parse",
]

MAX_LENGTH = 2000
MAX_DEPTH = 32

Scalar: TypeAlias = None | bool | int | float | str


@dataclass(frozen=True, slots=True)
class Path:
    """A ``line.a.b`` operand: the keys below ``line``."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Literal:
    """A string, number, ``true``, ``false`` or ``null`` (``undefined``) operand."""

    value: Scalar


@dataclass(frozen=True, slots=True)
class Not:
    """``!operand``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    """``a && b && ...``."""

    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """``a || b || ...``."""

    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """``left == right`` (``op`` is ``"=="``) or ``left != right`` (``"!="``).

    The parser puts a path, if there is one, on the left. A compared negation
    (``!line.a == true``) never becomes a ``Compare``: the parser rewrites it into a
    truthiness test or a constant.
    """

    op: str
    left: Path | Literal
    right: Path | Literal


Node: TypeAlias = Path | Literal | Not | And | Or | Compare


class NgIfSyntaxError(ValueError):
    """An ``ngIf`` expression outside the supported grammar (see the module docstring)."""

    def __init__(self, expression: str, position: int, problem: str) -> None:
        super().__init__(
            f"cannot parse ngIf {expression[:80]!r} at position {position}: {problem}; "
            "supported: line.<name> paths, quoted strings, numbers, true/false/null, "
            "== != === !==, !, &&, || and parentheses"
        )
        self.expression = expression
        self.position = position
        self.problem = problem


_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<num>-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
      | (?P<op>===|!==|==|!=|&&|\|\||!|\(|\)|\.)""",
    re.VERBOSE | re.DOTALL | re.ASCII,
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[ux]|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_KEYWORDS: dict[str, Scalar] = {"true": True, "false": False, "null": None, "undefined": None}
_EQUALITY = {"==": "==", "===": "==", "!=": "!=", "!==": "!="}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "str", "name", "op" or "end"
    text: str
    position: int


def _unescape(body: str) -> str | None:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in ("u", "x"):
            raise ValueError(code)  # a malformed \u or \x escape is a JavaScript syntax error
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    try:
        return _ESCAPE.sub(replace, body)
    except ValueError:
        return None


def _tokenize(expression: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            problem = (
                "unterminated string"
                if expression[position] in "'\""
                else f"unexpected character {expression[position]!r}"
            )
            raise NgIfSyntaxError(expression, position, problem)
        kind = match.lastgroup or "ws"
        if kind != "ws":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", position))
    return tokens


def as_boolean(value: object) -> bool | None:
    """Return the boolean a value equals under ``==`` (itself, or ``"true"``/``"false"``)."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class _Unary:
    """A primary with the ``!`` written before it, as parsed, before any comparison."""

    bangs: int
    node: Node  # a path or literal, or the expression inside parentheses
    grouped: bool

    def literal(self) -> Literal | None:
        if self.bangs or self.grouped or not isinstance(self.node, Literal):
            return None
        return self.node

    def truth(self) -> Node:
        # Read in a boolean context, only the parity of the "!" matters.
        return Not(self.node) if self.bangs % 2 else self.node


class _Parser:
    """Recursive descent over the token list, one method per grammar rule."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokenize(expression)
        self.index = 0
        self.depth = 0

    def fail(self, problem: str) -> NgIfSyntaxError:
        return NgIfSyntaxError(self.expression, self.tokens[self.index].position, problem)

    def peek(self, *texts: str) -> bool:
        token = self.tokens[self.index]
        return token.kind == "op" and token.text in texts

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.expression_rule()
        if self.tokens[self.index].kind != "end":
            raise self.fail(f"unexpected {self.tokens[self.index].text!r}")
        return node

    def expression_rule(self) -> Node:
        operands = [self.and_rule()]
        while self.peek("||"):
            self.take()
            operands.append(self.and_rule())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_rule(self) -> Node:
        operands = [self.equality_rule()]
        while self.peek("&&"):
            self.take()
            operands.append(self.equality_rule())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def equality_rule(self) -> Node:
        left = self.unary_rule()
        if not self.peek(*_EQUALITY):
            return left.truth()
        op_token = self.take()
        right = self.unary_rule()
        if self.peek(*_EQUALITY):
            raise self.fail("comparisons do not chain")

        def fail(problem: str) -> NgIfSyntaxError:
            return NgIfSyntaxError(self.expression, op_token.position, problem)

        if (left.bangs == 0 and left.grouped) or (right.bangs == 0 and right.grouped):
            raise fail("a parenthesised expression cannot be compared")
        op = _EQUALITY[op_token.text]
        # The literal goes on the right, so a path, if there is one, is on the left.
        other, literal = left, right.literal()
        if literal is None:
            other, literal = right, left.literal()
        if literal is None:
            raise fail("one side must be a literal (comparing two fields is not supported)")
        if other.bangs == 0 and isinstance(other.node, Path | Literal):
            return Compare(op, other.node, literal)
        # A negation is a boolean, so comparing it with a literal is a truthiness test of
        # the negated node or a constant (a boolean equals only a boolean or its string,
        # see as_boolean). Rewriting it here, rather than letting Compare hold a Not,
        # keeps the tree, and so the evaluator, the JSON Schema translation and the
        # JavaScript port's evaluator, as they were: one place knows about it, not four.
        boolean = as_boolean(literal.value)
        if boolean is None:
            return Literal(op == "!=")
        truth = other.truth()
        if boolean is (op == "=="):
            return truth
        return truth.operand if isinstance(truth, Not) else Not(truth)

    def unary_rule(self) -> _Unary:
        bangs = 0
        while self.peek("!"):
            self.take()
            bangs += 1
        if not self.peek("("):
            return _Unary(bangs, self.operand_rule(), grouped=False)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"more than {MAX_DEPTH} nested parentheses")
        self.take()
        node = self.expression_rule()
        if not self.peek(")"):
            raise self.fail("expected ')'")
        self.take()
        self.depth -= 1
        return _Unary(bangs, node, grouped=True)

    def operand_rule(self) -> Path | Literal:
        token = self.take()
        if token.kind == "num":
            is_float = any(mark in token.text for mark in ".eE")
            number = float(token.text) if is_float else int(token.text)
            if not math.isfinite(number):
                raise NgIfSyntaxError(self.expression, token.position, "number out of range")
            return Literal(number)
        if token.kind == "str":
            text = _unescape(token.text[1:-1])
            if text is None:
                raise NgIfSyntaxError(self.expression, token.position, "malformed escape")
            return Literal(text)
        if token.kind == "name" and token.text in _KEYWORDS:
            return Literal(_KEYWORDS[token.text])
        if token.kind == "name" and token.text == "line":
            names: list[str] = []
            while self.peek("."):
                self.take()
                if self.tokens[self.index].kind != "name":
                    raise self.fail("expected a field name after '.'")
                names.append(self.take().text)
            if not names:
                raise self.fail("expected '.' and a field name after 'line'")
            return Path(tuple(names))
        if token.kind == "name":
            raise NgIfSyntaxError(
                self.expression,
                token.position,
                f"unknown identifier {token.text!r} (fields are line.{token.text})",
            )
        self.index -= 1
        found = f"{token.text!r}" if token.kind != "end" else "end of expression"
        raise self.fail(f"expected a value, found {found}")


@dataclass(frozen=True, slots=True)
class _Failure:
    position: int
    problem: str


@functools.lru_cache(maxsize=1024)
def _compile(expression: str) -> Node | _Failure:
    # Failures are returned, not raised, so that lru_cache remembers them too.
    if len(expression) > MAX_LENGTH:
        return _Failure(MAX_LENGTH, f"longer than {MAX_LENGTH} characters")
    try:
        return _Parser(expression).parse()
    except NgIfSyntaxError as exc:
        return _Failure(exc.position, exc.problem)


def parse(expression: str) -> Node:
    """Parse an ``ngIf`` expression into its syntax tree (cached per expression string).

    Raises:
        NgIfSyntaxError: the expression is outside the grammar of the module docstring.
    """
    if not isinstance(expression, str):
        raise NgIfSyntaxError(repr(expression), 0, "an ngIf expression must be a string")
    result = _compile(expression)
    if isinstance(result, _Failure):
        raise NgIfSyntaxError(expression, result.position, result.problem)
    return result
