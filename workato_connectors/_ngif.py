"""Evaluate Workato ``ngIf`` visibility conditions with a small parser, never ``eval``.

This module is the reference for every other evaluator of these expressions (the
marketplace's JavaScript form preview mirrors it), so the language is spelled out here.

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

Meaning:

* ``line`` is the object that holds the field: the form's values for top-level fields,
  the nested object's values for fields under ``properties``. Any other identifier is a
  syntax error (so the field stays visible, see below).
* A path whose key is missing, or whose parent is not an object, is ``null``.
* Truthiness follows JavaScript: ``null``, ``false``, ``0``, ``NaN`` and ``""`` are
  falsy, every array and object (even empty) is truthy. One addition: the string
  ``"false"`` (exactly, lower case) is falsy too, because checkbox inputs switched to
  text mode send ``"true"`` and ``"false"`` as strings.
* ``==`` and ``===`` are the same test (``!=`` and ``!==`` its negation): ``null`` equals
  only ``null`` and missing values; a boolean equals the same boolean and its string
  ``"true"``/``"false"``; a string equals the same string; numbers compare by value
  (``1 == 1.0``); nothing else is equal (``'1' == 1`` is false, unlike JavaScript).

Every expression this grammar accepts also has an exact JSON Schema translation
(:func:`condition_schema`), which is how :func:`workato_connectors.to_json_schema` makes
fields conditional. Callers that hold a field fail open: an expression that does not
parse leaves the field visible and is logged once. ``CASES`` in ``tests/test_ngif.py``
is the conformance table (expression, values, expected) other evaluators should pass.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import msgspec

from ._models import SchemaField

__all__ = [
    "And",
    "Compare",
    "Literal",
    "Node",
    "NgIfSyntaxError",
    "Not",
    "Or",
    "Path",
    "compile_condition",
    "condition_schema",
    "evaluate",
    "is_truthy",
    "is_visible",
    "log_unparseable",
    "loose_equal",
    "parse",
    "visible_fields",
]

logger = logging.getLogger("workato_connectors")

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


def is_truthy(value: Any) -> bool:
    """Return the truthiness of a form value (JavaScript's, plus ``"false"`` is falsy)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value == value and value != 0  # NaN is the only value unequal to itself
    if isinstance(value, str):
        return value not in ("", "false")
    return True


def _as_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def loose_equal(left: Any, right: Any) -> bool:
    """Return whether two form values are equal under ``==`` (see the module docstring)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        as_left, as_right = _as_boolean(left), _as_boolean(right)
        return as_left is not None and as_left is as_right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return False


def _resolve(operand: Path | Literal, line: Any) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    value = line
    for name in operand.names:
        if not isinstance(value, Mapping) or name not in value:
            return None
        value = value[name]
    return value


def _evaluate(node: Node, line: Any) -> bool:
    if isinstance(node, Path | Literal):
        return is_truthy(_resolve(node, line))
    if isinstance(node, Not):
        return not _evaluate(node.operand, line)
    if isinstance(node, And):
        return all(_evaluate(operand, line) for operand in node.operands)
    if isinstance(node, Or):
        return any(_evaluate(operand, line) for operand in node.operands)
    equal = loose_equal(_resolve(node.left, line), _resolve(node.right, line))
    return equal if node.op == "==" else not equal


def evaluate(condition: str | Node, line: Mapping[str, Any] | None) -> bool:
    """Evaluate an ``ngIf`` expression (or a parsed one) against the values of its ``line``.

    Example::

        evaluate("line.auth == 'oauth' && !line.sandbox", {"auth": "oauth"})  # True

    Raises:
        NgIfSyntaxError: ``condition`` is a string outside the grammar.
    """
    node = parse(condition) if isinstance(condition, str) else condition
    return _evaluate(node, line)


_FALSY: list[Scalar] = [None, False, 0, "", "false"]
Schema: TypeAlias = dict[str, Any] | bool


def _at_path(names: tuple[str, ...], leaf: Schema) -> Schema:
    # "Present and matching leaf": every level must be an object that has the key.
    schema = leaf
    for name in reversed(names):
        schema = {"type": "object", "required": [name], "properties": {name: schema}}
    return schema


def _negate(schema: Schema) -> Schema:
    if isinstance(schema, bool):
        return not schema
    return schema["not"] if set(schema) == {"not"} else {"not": schema}


def _combine(keyword: str, parts: list[Schema]) -> Schema:
    absorbing = keyword == "anyOf"  # True absorbs anyOf, False absorbs allOf
    if absorbing in parts:
        return absorbing
    kept = [part for part in parts if not isinstance(part, bool)]
    if not kept:
        return not absorbing
    return kept[0] if len(kept) == 1 else {keyword: kept}


def _equals_schema(names: tuple[str, ...], value: Scalar) -> Schema:
    if value is None:
        return _negate(_at_path(names, {"not": {"const": None}}))
    boolean = _as_boolean(value)
    if boolean is not None:
        return _at_path(names, {"enum": [boolean, "true" if boolean else "false"]})
    return _at_path(names, {"const": value})


def _to_schema(node: Node) -> Schema:
    if isinstance(node, Path):
        return _at_path(node.names, {"not": {"enum": list(_FALSY)}})
    if isinstance(node, Literal):
        return is_truthy(node.value)
    if isinstance(node, Not):
        return _negate(_to_schema(node.operand))
    if isinstance(node, And | Or):
        keyword = "allOf" if isinstance(node, And) else "anyOf"
        return _combine(keyword, [_to_schema(operand) for operand in node.operands])
    left, right = node.left, node.right
    if isinstance(left, Path) and isinstance(right, Literal):
        equal = _equals_schema(left.names, right.value)
    elif isinstance(left, Literal) and isinstance(right, Literal):
        equal = loose_equal(left.value, right.value)
    else:
        raise ValueError("a comparison needs a literal on its right; the parser puts it there")
    return equal if node.op == "==" else _negate(equal)


def condition_schema(condition: str | Node) -> dict[str, Any] | bool:
    """Translate an ``ngIf`` expression into a JSON Schema that holds exactly when it is true.

    The schema applies to the ``line`` object; a constant expression gives ``True`` or
    ``False``. Validating ``line`` against it agrees with :func:`evaluate` on every JSON
    value.

    Raises:
        NgIfSyntaxError: ``condition`` is a string outside the grammar.
    """
    node = parse(condition) if isinstance(condition, str) else condition
    return _to_schema(node)


@functools.lru_cache(maxsize=256)
def log_unparseable(expression: str) -> None:
    """Log, once per distinct expression (a bounded cache), that an ``ngIf`` fails open."""
    try:
        parse(expression)
    except NgIfSyntaxError as exc:
        logger.warning("%s; the field stays visible", exc)


def is_visible(field: SchemaField, line: Mapping[str, Any] | None) -> bool:
    """Return whether ``field`` shows for these ``line`` values, failing open.

    A missing or blank ``ngIf`` means always visible. An expression that does not parse
    also leaves the field visible (a form must never hide a required input) and is
    logged once.
    """
    node = compile_condition(field.ng_if)
    return True if node is None else _evaluate(node, line)


def compile_condition(expression: object) -> Node | None:
    """Parse a field's ``ngIf`` for use, or return ``None`` when the field is unconditional.

    ``None``, a blank string and (failing open, logged once) an unparseable expression
    all make the field unconditional.
    """
    if expression is None or (isinstance(expression, str) and not expression.strip()):
        return None
    if not isinstance(expression, str):
        logger.warning("ngIf %r is not a string; the field stays visible", expression)
        return None
    try:
        return parse(expression)
    except NgIfSyntaxError:
        log_unparseable(expression)
        return None


def visible_fields(
    fields: Sequence[SchemaField], values: Mapping[str, Any] | None
) -> list[SchemaField]:
    """Return the fields a Workato form shows for the current ``values``, in order.

    ``values`` is the form's ``line``. A visible field with nested ``properties`` (an
    object, not an array) comes back with its ``properties`` filtered the same way,
    against ``values[field.name]`` when that is an object and against ``{}`` otherwise
    (an empty sub-form). Array items each have their own values, so array fields keep
    every property: call ``visible_fields(field.properties, item)`` per item. Toggle
    fields follow their main field.

    Example::

        shown = visible_fields(fields, {"use_managed_connection": True})
        required = [f.name for f in shown if f.optional is not True]

    Raises:
        TypeError: ``values`` is not a mapping (or ``None``).
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping of field name to value (or None), "
            f"not {type(values).__name__}"
        )
    shown: list[SchemaField] = []
    for field in fields:
        if not is_visible(field, values):
            continue
        if field.properties and (field.type or "").lower() != "array":
            nested = values.get(field.name)
            line = nested if isinstance(nested, Mapping) else {}
            properties = tuple(visible_fields(field.properties, line))
            if properties != field.properties:
                field = msgspec.structs.replace(field, properties=properties)
        shown.append(field)
    return shown
