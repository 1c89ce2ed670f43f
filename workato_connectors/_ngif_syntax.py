"""The syntax of Workato ``ngIf`` expressions: tokenizer, syntax tree and parser.

Grammar (EBNF; ASCII whitespace between tokens is ignored)::

    expression = and , { "||" , and } ;
    and        = not , { "&&" , not } ;
    not        = { "!" } , comparison ;
    comparison = "(" , expression , ")"
               | operand , [ ( "==" | "===" | "!=" | "!==" ) , operand ] ;
    operand    = path | literal ;
    path       = "line" , "." , name , { "." , name } ;
    literal    = string | number | "true" | "false" | "null" | "undefined" ;

Tokens: ``name`` is ASCII ``[A-Za-z_$][A-Za-z0-9_$]*`` (keywords are allowed after a
dot: ``line.null`` is a path); ``string`` is single- or double-quoted with backslash
escapes (``\\n \\t \\r \\b \\f \\v \\0 \\xHH \\uHHHH``, any other escaped character
stands for itself); ``number`` is ``-?(D+(.D*)?|.D+)([eE][+-]?D+)?`` and must be finite.

Precedence is ``||`` < ``&&`` < ``!`` < comparison < primary. Unlike JavaScript, ``!``
binds looser than ``==``: ``!line.a == 'x'`` means ``!(line.a == 'x')``. Comparisons do
not chain, at most one side may be a path (two fields are never compared), and a
parenthesised group cannot be compared. Input longer than 2,000 characters or nested
deeper than 32 parentheses is rejected. Anything else is a syntax error.
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

    The parser puts a path, if there is one, on the left.
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
        operands = [self.not_rule()]
        while self.peek("&&"):
            self.take()
            operands.append(self.not_rule())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_rule(self) -> Node:
        bangs = 0
        while self.peek("!"):
            self.take()
            bangs += 1
        node = self.comparison_rule()
        # Only the parity matters: every node is read in a boolean context.
        return Not(node) if bangs % 2 else node

    def comparison_rule(self) -> Node:
        if self.peek("("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.fail(f"more than {MAX_DEPTH} nested parentheses")
            self.take()
            node = self.expression_rule()
            if not self.peek(")"):
                raise self.fail("expected ')'")
            self.take()
            self.depth -= 1
            if self.peek(*_EQUALITY):
                raise self.fail("a parenthesised expression cannot be compared")
            return node
        left = self.operand_rule()
        if not self.peek(*_EQUALITY):
            return left
        op_token = self.take()
        right = self.operand_rule()
        if isinstance(left, Path) and isinstance(right, Path):
            raise NgIfSyntaxError(
                self.expression, op_token.position, "comparing two fields is not supported"
            )
        if self.peek(*_EQUALITY):
            raise self.fail("comparisons do not chain")
        if isinstance(right, Path):
            left, right = right, left
        return Compare(_EQUALITY[op_token.text], left, right)

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
