"""Evaluate Workato ``ngIf`` visibility conditions with a small parser, never ``eval``.

This module is the reference for every other evaluator of these expressions (the
marketplace's JavaScript form preview mirrors it), so the language is spelled out here.

The grammar is in :mod:`._ngif_syntax`; its parser builds the tree evaluated here.

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
* ``!`` binds as in JavaScript and gives a boolean: ``!line.a == true`` holds when
  ``line.a`` is falsy, ``!line.a == 'x'`` never holds. The parser rewrites such
  comparisons into truthiness tests or constants, so the tree evaluated here has none.

Every expression this grammar accepts also has an exact JSON Schema translation
(:func:`condition_schema`), which is how :func:`workato_connectors.to_json_schema` makes
fields conditional. Callers that hold a field fail open: an expression that does not
parse leaves the field visible and is logged once. ``CASES`` in ``tests/test_ngif.py``
is the conformance table (expression, values, expected) other evaluators should pass.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import msgspec

from ._models import SchemaField
from ._ngif_syntax import (
    And,
    Literal,
    NgIfSyntaxError,
    Node,
    Not,
    Or,
    Path,
    Scalar,
    as_boolean,
    parse,
)

__all__ = [
    "compile_condition",
    "condition_schema",
    "evaluate",
    "is_truthy",
    "is_visible",
    "log_unparseable",
    "loose_equal",
    "visible_fields",
]

logger = logging.getLogger("workato_connectors")


def is_truthy(value: Any) -> bool:
    """Return the truthiness of a form value (JavaScript's, plus ``"false"`` is falsy)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value == value and value != 0  # NaN is the only value unequal to itself
    if isinstance(value, str):
        return value not in ("", "false")
    return True


def loose_equal(left: Any, right: Any) -> bool:
    """Return whether two form values are equal under ``==`` (see the module docstring)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        as_left, as_right = as_boolean(left), as_boolean(right)
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
    boolean = as_boolean(value)
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
