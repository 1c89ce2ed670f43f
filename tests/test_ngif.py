"""The ngIf language: parsing, evaluation, its JSON Schema translation and visible_fields.

``CASES`` doubles as the conformance table for other evaluators (the marketplace's
JavaScript form preview must give the same answers).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from workato_connectors._models import SchemaField
from workato_connectors._ngif import (
    And,
    Compare,
    Literal,
    NgIfSyntaxError,
    Not,
    Or,
    Path,
    condition_schema,
    evaluate,
    is_truthy,
    is_visible,
    log_unparseable,
    parse,
    visible_fields,
)
from workato_connectors._ngif_syntax import MAX_DEPTH, MAX_LENGTH

# (expression, line values, expected)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    # truthiness: JavaScript's, plus the string "false"
    ("line.x", {"x": "abc"}, True),
    ("line.x", {}, False),
    ("line.x", {"x": None}, False),
    ("line.x", {"x": False}, False),
    ("line.x", {"x": True}, True),
    ("line.x", {"x": 0}, False),
    ("line.x", {"x": 0.0}, False),
    ("line.x", {"x": -1}, True),
    ("line.x", {"x": ""}, False),
    ("line.x", {"x": "false"}, False),
    ("line.x", {"x": "False"}, True),
    ("line.x", {"x": "0"}, True),
    ("line.x", {"x": " "}, True),
    ("line.x", {"x": []}, True),
    ("line.x", {"x": {}}, True),
    ("!line.x", {}, True),
    ("!line.x", {"x": "false"}, True),
    ("!!line.x", {"x": 1}, True),
    ("!!!line.x", {"x": 1}, False),
    # nested paths; a missing parent or a non-object parent reads as null
    ("line.a.b", {"a": {"b": 1}}, True),
    ("line.a.b", {"a": {}}, False),
    ("line.a.b", {"a": "text"}, False),
    ("line.a.b == null", {"a": None}, True),
    ("line.null", {"null": 1}, True),
    # equality
    ("line.x == 'v'", {"x": "v"}, True),
    ('line.x == "v"', {"x": "v"}, True),
    ("line.x == 'v'", {"x": "V"}, False),
    ("line.x == 'v'", {}, False),
    ("line.x != 'v'", {}, True),
    ("line.x != 'v'", {"x": "w"}, True),
    ("line.x === 'v'", {"x": "v"}, True),
    ("line.x !== 'v'", {"x": "v"}, False),
    ("'v' == line.x", {"x": "v"}, True),
    ("line.x == null", {}, True),
    ("line.x == undefined", {"x": None}, True),
    ("line.x == null", {"x": ""}, False),
    ("line.x != null", {"x": 0}, True),
    ("line.x == true", {"x": True}, True),
    ("line.x == true", {"x": "true"}, True),
    ("line.x == 'true'", {"x": True}, True),
    ("line.x == false", {"x": "false"}, True),
    ("line.x == false", {}, False),
    ("line.x == true", {"x": 1}, False),
    ("line.x == 1", {"x": 1.0}, True),
    ("line.x == 1.0", {"x": 1}, True),
    ("line.x == 1", {"x": "1"}, False),
    ("line.x == 1", {"x": True}, False),
    ("line.x == -2.5e1", {"x": -25}, True),
    ("line.x == 0", {"x": False}, False),
    ("line.x == 'a b'", {"x": "a b"}, True),
    ("line.x == 'it\\'s'", {"x": "it's"}, True),
    ("line.x == '\\u00e9\\n'", {"x": "\u00e9\n"}, True),
    ("line.x == 'x'", {"x": ["x"]}, False),
    # literals on their own, and constant comparisons
    ("true", {}, True),
    ("false", {}, False),
    ("null", {}, False),
    ("'false'", {}, False),
    ("0", {}, False),
    ("'a' == 'a'", {}, True),
    ("1 != 1.0", {}, False),
    ("null == undefined", {}, True),
    # precedence: || < && < ! < comparison
    ("line.a || line.b && line.c", {"a": 1}, True),
    ("(line.a || line.b) && line.c", {"a": 1}, False),
    ("!line.a == 'x'", {"a": "x"}, False),
    ("!line.a == 'x'", {"a": "y"}, True),
    ("!(line.a && line.b)", {"a": 1}, True),
    ("line.a && !line.b || line.c == 'z'", {"c": "z"}, True),
    ("((line.a))", {"a": "y"}, True),
    ("  line.a\n&&\tline.b  ", {"a": 1, "b": 1}, True),
    ("line.provider == 'custom' && line.use_managed_connection", {"provider": "custom"}, False),
]


@pytest.mark.parametrize(("expression", "values", "expected"), CASES)
def test_expression_evaluates_like_workato_forms(
    expression: str, values: dict[str, Any], expected: bool
) -> None:
    assert evaluate(expression, values) is expected


@pytest.mark.parametrize(("expression", "values", "expected"), CASES)
def test_condition_schema_agrees_with_the_evaluator(
    expression: str, values: dict[str, Any], expected: bool
) -> None:
    schema = condition_schema(expression)
    Draft202012Validator.check_schema(schema if isinstance(schema, dict) else {"not": schema})
    assert Draft202012Validator(schema).is_valid(values) is expected


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("x", "unknown identifier 'x'"),
        ("input.x", "unknown identifier 'input'"),
        ("line", "after 'line'"),
        ("line.", "field name after '.'"),
        ("line.a == line.b", "comparing two fields"),
        ("line.a == 'x' == 'y'", "do not chain"),
        ("(line.a) == 'x'", "cannot be compared"),
        ("line.a > 1", "unexpected character '>'"),
        ("line.a = 1", "unexpected character '='"),
        ("line.a & line.b", "unexpected character '&'"),
        ("line.a == 'x", "unterminated string"),
        ("line.a == '\\u12'", "malformed escape"),
        ("line.a == 1e999", "out of range"),
        ("(line.a", "expected ')'"),
        ("line.a)", "unexpected ')'"),
        ("", "found end of expression"),
        ("line.a &&", "found end of expression"),
        ("line['a']", "unexpected character '['"),
        ("line.a.length()", "unexpected '('"),
        ("line.名前", "unexpected character"),
        ("(" * (MAX_DEPTH + 1) + "line.a" + ")" * (MAX_DEPTH + 1), "nested parentheses"),
        ("line.a || " * 300 + "line.b", f"longer than {MAX_LENGTH}"),
    ],
)
def test_expressions_outside_the_grammar_raise_a_clear_syntax_error(
    expression: str, problem: str
) -> None:
    with pytest.raises(NgIfSyntaxError, match="supported: line.<name>") as caught:
        parse(expression)
    assert problem in caught.value.problem
    assert isinstance(caught.value, ValueError)


def test_syntax_error_points_at_the_offending_token() -> None:
    with pytest.raises(NgIfSyntaxError) as caught:
        parse("line.a && x")
    assert caught.value.position == 10


def test_parse_builds_the_documented_tree_and_caches_it() -> None:
    expression = "!line.a || line.b.c != 'x' && (true || null)"
    tree = parse(expression)
    assert tree == Or(
        (
            Not(Path(("a",))),
            And(
                (Compare("!=", Path(("b", "c")), Literal("x")), Or((Literal(True), Literal(None))))
            ),
        )
    )
    assert parse(expression) is tree


def test_deeply_nested_input_within_limits_parses_without_recursion_errors() -> None:
    expression = "(" * MAX_DEPTH + "!" * 1000 + "line.a" + ")" * MAX_DEPTH
    assert evaluate(expression, {"a": 1}) is True


def test_is_truthy_treats_nan_as_falsy_like_javascript() -> None:
    assert is_truthy(float("nan")) is False
    assert is_truthy(object()) is True


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


@st.composite
def _atoms(draw: st.DrawFn) -> Expr:
    left, get_left = draw(_operands())
    if draw(st.booleans()):
        return left, 3, lambda line: _oracle_truthy(get_left(line))
    right_text, value = draw(LITERALS)
    op = draw(st.sampled_from(["==", "===", "!=", "!=="]))
    negate = op.startswith("!")
    text = f"{left} {op} {right_text}" if draw(st.booleans()) else f"{right_text} {op} {left}"
    return text, 3, lambda line: (_oracle_key(get_left(line)) == _oracle_key(value)) != negate


def _wrap(expr: Expr, minimum: int) -> str:
    text, precedence, _ = expr
    return f"({text})" if precedence < minimum else text


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def negated(child: Expr) -> Expr:
        return "!" + _wrap(child, 3), 2, lambda line: not child[2](line)

    def joined(op: str, precedence: int, parts: list[Expr]) -> Expr:
        text = f" {op} ".join(_wrap(part, precedence + 1) for part in parts)
        combine = all if op == "&&" else any
        return text, precedence, lambda line: combine(part[2](line) for part in parts)

    def grouped(child: Expr) -> Expr:
        return f"({child[0]})", 3, child[2]

    return st.one_of(
        children.map(negated),
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


# -- visible_fields --


def _fields() -> list[SchemaField]:
    return [
        SchemaField(name="use_managed_connection", type="boolean", control_type="checkbox"),
        SchemaField(name="profile", ng_if="!line.use_managed_connection"),
        SchemaField(name="provider", ng_if="line.use_managed_connection"),
        SchemaField(name="queue", ng_if="line.provider == 'amazon-sqs'"),
        SchemaField(name="region", ng_if="   "),
        SchemaField(
            name="advanced",
            type="object",
            properties=(
                SchemaField(name="mode"),
                SchemaField(name="batch_size", ng_if="line.mode == 'batch'"),
            ),
        ),
        SchemaField(
            name="rows",
            type="array",
            of="object",
            properties=(SchemaField(name="kind"), SchemaField(name="extra", ng_if="line.kind")),
        ),
    ]


def _names(fields: list[SchemaField]) -> list[str]:
    return [field.name for field in fields]


def test_visible_fields_hides_what_ngif_rules_out_and_keeps_order() -> None:
    shown = visible_fields(_fields(), {"use_managed_connection": True, "provider": "amazon-sqs"})
    assert _names(shown) == [
        "use_managed_connection",
        "provider",
        "queue",
        "region",
        "advanced",
        "rows",
    ]
    shown = visible_fields(_fields(), {"use_managed_connection": "false"})
    assert _names(shown) == ["use_managed_connection", "profile", "region", "advanced", "rows"]


def test_visible_fields_filters_nested_objects_against_their_own_values() -> None:
    by_name = {f.name: f for f in visible_fields(_fields(), {"advanced": {"mode": "batch"}})}
    assert _names(list(by_name["advanced"].properties)) == ["mode", "batch_size"]
    by_name = {f.name: f for f in visible_fields(_fields(), {"mode": "batch"})}
    assert _names(list(by_name["advanced"].properties)) == ["mode"]
    by_name = {f.name: f for f in visible_fields(_fields(), {"advanced": "not an object"})}
    assert _names(list(by_name["advanced"].properties)) == ["mode"]


def test_visible_fields_leaves_array_items_to_be_filtered_per_item() -> None:
    rows = next(f for f in visible_fields(_fields(), {"rows": []}) if f.name == "rows")
    assert _names(list(rows.properties)) == ["kind", "extra"]
    assert _names(visible_fields(rows.properties, {"kind": "x"})) == ["kind", "extra"]
    assert _names(visible_fields(rows.properties, {})) == ["kind"]


def test_visible_fields_accepts_none_and_rejects_values_that_are_not_a_mapping() -> None:
    assert "profile" in _names(visible_fields(_fields(), None))
    with pytest.raises(TypeError, match="values must be a mapping"):
        visible_fields(_fields(), ["use_managed_connection"])  # type: ignore[arg-type]


def test_unparseable_ngif_leaves_the_field_visible_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    expression = f"line.a > {uuid.uuid4().int}"
    fields = [SchemaField(name="a"), SchemaField(name="b", ng_if=expression)]
    with caplog.at_level(logging.WARNING, logger="workato_connectors"):
        for _ in range(3):
            assert _names(visible_fields(fields, {"a": 1})) == ["a", "b"]
    records = [r for r in caplog.records if r.name == "workato_connectors"]
    assert len(records) == 1
    assert expression in records[0].getMessage()
    assert "stays visible" in records[0].getMessage()


def test_the_log_once_memory_is_bounded(caplog: pytest.LogCaptureFixture) -> None:
    maxsize = log_unparseable.cache_info().maxsize
    assert maxsize is not None
    first = f"bad {uuid.uuid4().hex}"
    with caplog.at_level(logging.WARNING, logger="workato_connectors"):
        log_unparseable(first)
        for n in range(maxsize):
            log_unparseable(f"bad {n} {uuid.uuid4().hex}")
        log_unparseable(first)  # evicted by now, so it is logged again
    assert sum(first in r.getMessage() for r in caplog.records) == 2
    assert log_unparseable.cache_info().currsize <= maxsize


def test_non_string_ngif_fails_open() -> None:
    field = SchemaField(name="a", ng_if=42)  # type: ignore[arg-type]
    assert is_visible(field, {}) is True
