"""The ngIf language: parsing, evaluation, its JSON Schema translation and visible_fields.

``CASES`` doubles as the conformance table for other evaluators (the marketplace's
JavaScript form preview must give the same answers).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from workato_connectors._models import SchemaField
from workato_connectors._ngif import (
    condition_schema,
    evaluate,
    is_truthy,
    is_visible,
    log_unparseable,
    visible_fields,
)
from workato_connectors._ngif_syntax import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Compare,
    Literal,
    NgIfSyntaxError,
    Not,
    Or,
    Path,
    parse,
)

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
    # precedence, as in JavaScript: || < && < equality < ! < primary
    ("line.a || line.b && line.c", {"a": 1}, True),
    ("(line.a || line.b) && line.c", {"a": 1}, False),
    ("!(line.a && line.b)", {"a": 1}, True),
    # `!line.a == 'x'` is `(!line.a) == 'x'`: a boolean never equals 'x'
    ("!line.a == 'x'", {"a": "x"}, False),
    ("!line.a == 'x'", {"a": "y"}, False),
    ("!line.a == 'x'", {}, False),
    ("!line.a != 'x'", {"a": "x"}, True),
    ("'x' == !line.a", {}, False),
    ("!(line.a == 'x')", {"a": "x"}, False),
    ("!(line.a == 'x')", {"a": "y"}, True),
    ("!line.a == true", {}, True),
    ("!line.a == true", {"a": 1}, False),
    ("!line.a == true", {"a": "false"}, True),
    ("!line.a === true", {"a": ""}, True),
    ("true == !line.a", {"a": "x"}, False),
    ("!line.a == 'true'", {}, True),  # true == "true" under our equality
    ("!line.a == false", {"a": "x"}, True),
    ("!line.a != false", {}, True),
    ("!line.a != false", {"a": "x"}, False),
    ("!line.a !== 'false'", {"a": 0}, True),
    ("!!line.a == true", {"a": "x"}, True),
    ("!!line.a == true", {}, False),
    ("!!line.a == 'x'", {"a": "x"}, False),
    ("!!!line.a == false", {"a": "x"}, True),
    ("!line.a == null", {}, False),
    ("!line.a != undefined", {}, True),
    ("!line.a == 0", {"a": 1}, False),  # false == 0 is false under our equality
    ("!line.a.b == true", {"a": "text"}, True),
    ("!'' == true", {}, True),
    ("!'x' == 'x'", {}, False),
    ("!(line.a || line.b) == false", {"b": 1}, True),
    ("!(line.a || line.b) != true", {}, False),
    ("!line.a && line.b", {"b": 1}, True),
    ("!line.a == true && line.b", {"b": 1}, True),
    ("line.b || !line.a == 'x'", {}, False),
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
        ("!line.a == line.b", "comparing two fields"),
        ("line.a != !line.b", "comparing two fields"),
        ("!true == !false", "one side must be a literal"),
        ("line.a == 'x' == 'y'", "do not chain"),
        ("!line.a == true == false", "do not chain"),
        ("(line.a) == 'x'", "cannot be compared"),
        ("'x' == (line.a)", "cannot be compared"),
        ("(line.a || line.b) == true", "cannot be compared"),
        ("line.a == !", "found end of expression"),
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


@pytest.mark.parametrize(
    ("expression", "tree"),
    [
        ("!line.a == true", Not(Path(("a",)))),
        ("!line.a != false", Not(Path(("a",)))),
        ("false == !line.a", Path(("a",))),
        ("!!line.a === 'true'", Path(("a",))),
        ("!(line.a && line.b) == true", Not(And((Path(("a",)), Path(("b",)))))),
        ("!line.a == 'x'", Literal(False)),
        ("!line.a != null", Literal(True)),
        (
            "!line.a && line.b == 'x'",
            And((Not(Path(("a",))), Compare("==", Path(("b",)), Literal("x")))),
        ),
    ],
)
def test_a_compared_negation_parses_into_a_truthiness_test_or_a_constant(
    expression: str, tree: object
) -> None:
    assert parse(expression) == tree


def test_deeply_nested_input_within_limits_parses_without_recursion_errors() -> None:
    expression = "(" * MAX_DEPTH + "!" * 1000 + "line.a" + ")" * MAX_DEPTH
    assert evaluate(expression, {"a": 1}) is True


def test_is_truthy_treats_nan_as_falsy_like_javascript() -> None:
    assert is_truthy(float("nan")) is False
    assert is_truthy(object()) is True


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
