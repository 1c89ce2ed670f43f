"""Property-based tests of ngIf: random expressions against an independent oracle and
against their own JSON Schema; random strings never raise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from workato_connectors._models import SchemaField
from workato_connectors._ngif import condition_schema, evaluate, is_visible
from workato_connectors._ngif_syntax import NgIfSyntaxError, parse

# (expression, line values, expected)
# -- property-based: the parser against an independent oracle, and against JSON Schema --

VALUES = st.sampled_from([None, True, False, 0, 1, 1.0, 2.5, -0.0, "", "x", "true", "false", "0"])
LINE = st.dictionaries(
    st.sampled_from(["a", "b", "c"]),
    st.one_of(VALUES, st.just([]), st.dictionaries(st.sampled_from(["a", "b"]), VALUES)),
)


def _oracle_truthy(value: Any) -> bool:
    return value not in (None, "", "false") and not (
        isinstance(value, bool | int | float) and not value
    )


def _oracle_key(value: Any) -> tuple[Any, ...]:
    if isinstance(value, bool) or value in ("true", "false"):
        return ("bool", value in (True, "true"))
    if value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)
    return ("other", id(value))


def _lookup(path: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    def get(line: dict[str, Any]) -> Any:
        value: Any = line
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        return value

    return get


Expr = tuple[str, int, Callable[[dict[str, Any]], bool]]  # (text, precedence, oracle)

PATHS = st.sampled_from([("a",), ("b",), ("c",), ("a", "b")])
LITERALS = st.sampled_from(
    [
        ("null", None),
        ("undefined", None),
        ("true", True),
        ("false", False),
        ("0", 0),
        ("1", 1),
        ("1.0", 1.0),
        ("2.5", 2.5),
        ("'x'", "x"),
        ('"true"', "true"),
        ("'false'", "false"),
        ("''", ""),
    ]
)


@st.composite
def _operands(draw: st.DrawFn) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    if draw(st.booleans()):
        path = draw(PATHS)
        return "line." + ".".join(path), _lookup(path)
    text, value = draw(LITERALS)
    return text, lambda line: value


# Precedences, as in JavaScript: || 0, && 1, equality 2, unary ! 3, primary 4.


def _compared(left: str, truth: Callable[[dict[str, Any]], Any], draw: st.DrawFn) -> Expr:
    """Compare ``left`` (whose value ``truth`` gives) with a random literal, either way round."""
    right_text, value = draw(LITERALS)
    op = draw(st.sampled_from(["==", "===", "!=", "!=="]))
    negate = op.startswith("!")
    text = f"{left} {op} {right_text}" if draw(st.booleans()) else f"{right_text} {op} {left}"
    return text, 2, lambda line: (_oracle_key(truth(line)) == _oracle_key(value)) != negate


@st.composite
def _atoms(draw: st.DrawFn) -> Expr:
    left, get_left = draw(_operands())
    kind = draw(st.sampled_from(["truthy", "compared", "negation compared"]))
    if kind == "truthy":
        return left, 4, lambda line: _oracle_truthy(get_left(line))
    if kind == "compared":
        return _compared(left, get_left, draw)
    # `!operand == literal`: the negation is a boolean, compared as one
    bangs = draw(st.integers(1, 3))

    def negation(line: dict[str, Any]) -> bool:
        return _oracle_truthy(get_left(line)) != (bangs % 2 == 1)

    return _compared("!" * bangs + left, negation, draw)


def _wrap(expr: Expr, minimum: int) -> str:
    text, precedence, _ = expr
    return f"({text})" if precedence < minimum else text


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def negated(child: Expr) -> Expr:
        return "!" + _wrap(child, 3), 3, lambda line: not child[2](line)

    @st.composite
    def negation_compared(draw: st.DrawFn) -> Expr:
        child = draw(children)
        return _compared("!" + _wrap(child, 3), lambda line: not child[2](line), draw)

    def joined(op: str, precedence: int, parts: list[Expr]) -> Expr:
        text = f" {op} ".join(_wrap(part, precedence + 1) for part in parts)
        combine = all if op == "&&" else any
        return text, precedence, lambda line: combine(part[2](line) for part in parts)

    def grouped(child: Expr) -> Expr:
        return f"({child[0]})", 4, child[2]

    return st.one_of(
        children.map(negated),
        negation_compared(),
        children.map(grouped),
        st.lists(children, min_size=2, max_size=3).map(lambda parts: joined("&&", 1, parts)),
        st.lists(children, min_size=2, max_size=3).map(lambda parts: joined("||", 0, parts)),
    )


EXPRESSIONS = st.recursive(_atoms(), _extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(EXPRESSIONS, LINE)
def test_random_expressions_match_the_oracle_and_their_json_schema(
    expression: Expr, line: dict[str, Any]
) -> None:
    text, _, oracle = expression
    expected = oracle(line)
    assert evaluate(text, line) is expected, text
    assert Draft202012Validator(condition_schema(text)).is_valid(line) is expected, text


TOKENS = st.sampled_from(
    ["line", ".", "a", "b", "x", "==", "===", "!=", "!==", "&&", "||", "!", "(", ")", " "]
    + ["'v'", '"w', "'", "1", "-2.5", "1e999", "true", "null", "undefined", "\\", "=", "&", "."]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(TOKENS, max_size=25).map("".join)), LINE)
def test_random_ngif_strings_never_raise_they_evaluate_or_fail_open(
    expression: str, line: dict[str, Any]
) -> None:
    try:
        tree = parse(expression)
    except NgIfSyntaxError:
        tree = None
    field = SchemaField(name="f", ng_if=expression)
    visible = is_visible(field, line)
    if tree is None:
        assert visible is True
    else:
        assert visible is evaluate(tree, line)
        assert Draft202012Validator(condition_schema(tree)).is_valid(line) is visible
