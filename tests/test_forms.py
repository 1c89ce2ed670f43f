"""to_json_schema: Workato input schemas as JSON Schema 2020-12 documents for forms."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from workato_connectors._forms import DIALECT, hint_text, is_required, to_json_schema
from workato_connectors._models import PickListOption, SchemaField
from workato_connectors._ngif import visible_fields
from workato_connectors.testing import (
    all_field_shapes_schema,
    generate_catalog,
    generate_input_schema,
)

SAMPLES = Path(__file__).parent / "samples"


def _validator(fields: list[SchemaField]) -> Draft202012Validator:
    schema = to_json_schema(fields)
    Draft202012Validator.check_schema(schema)
    json.dumps(schema, allow_nan=False)  # plain JSON data, as a renderer receives it
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _sample_fields(path: Path) -> list[SchemaField]:
    return msgspec.convert(msgspec.json.decode(path.read_bytes())["result"], list[SchemaField])


def _input_schema_samples() -> list[Path]:
    found = sorted(
        path
        for path in SAMPLES.glob("*.json")
        if isinstance(msgspec.json.decode(path.read_bytes()), dict)
        and "result" in msgspec.json.decode(path.read_bytes())
    )
    assert found, f"no input-schema sample in {SAMPLES}"
    return found


@pytest.mark.parametrize("path", _input_schema_samples(), ids=lambda p: p.stem)
def test_every_sample_converts_to_a_valid_json_schema(path: Path) -> None:
    validator = _validator(_sample_fields(path))
    assert validator.schema["$schema"] == DIALECT


def test_jms_sample_accepts_filled_forms_and_rejects_missing_required_fields() -> None:
    validator = _validator(_sample_fields(SAMPLES / "input_schema_jms.json"))
    assert validator.is_valid({"profile": "jms-prod"})
    assert validator.is_valid({"use_managed_connection": True, "provider": "activemq"})
    # hidden fields are neither required nor checked, even with a stale value
    assert validator.is_valid({"use_managed_connection": True, "provider": "custom", "profile": 7})
    assert not validator.is_valid({})
    assert not validator.is_valid({"use_managed_connection": True})
    assert not validator.is_valid({"use_managed_connection": True, "provider": "rabbitmq"})
    errors = [e.message for e in validator.iter_errors({"use_managed_connection": "false"})]
    assert errors == ["'profile' is a required property"]


def test_jms_sample_keeps_workato_attributes_and_plain_text_hints() -> None:
    schema = to_json_schema(_sample_fields(SAMPLES / "input_schema_jms.json"))
    assert schema["x-workato-order"] == ["profile", "provider"]
    provider = schema["allOf"][1]["then"]["properties"]["provider"]
    assert provider["title"] == "Provider"
    assert provider["oneOf"][0] == {"const": "amazon-sqs", "title": "Amazon SQS"}
    assert provider["description"] == (
        "Select JMS provider.\nYou can find more information about jms providers here."
    )
    assert provider["x-workato-hint"].startswith("Select JMS provider.</br>")
    assert provider["x-workato-ngIf"] == "line.use_managed_connection"
    assert provider["x-workato-extends_schema"] is True
    assert provider["x-workato-disable_formula"] is True


FILLED_EVERY_SHAPE_FORM: dict[str, Any] = {
    "subject": "Renewal",
    "api_key": "k-123",
    "retries": 3,
    "amount": 9.5,
    "notify": True,
    "archived": False,
    "status": "open",
    "priority": "urgent",
    "labels": ["open", "pending"],
    "sobject_name": "Account",
    "due_date": "2024-06-30",
    "since": "2024-06-01T00:00:00Z",
    "email": "ops@example.com",
    "website": "https://example.com",
    "phone": "+1 555 0100",
    "line_items": [{"sku": "A1", "quantity": 1, "unit_price": 2.5}],
    "tags": ["vip"],
    "owner_id": "005xx",
}


def test_every_shape_schema_accepts_a_filled_form_and_needs_each_visible_required_field() -> None:
    fields = all_field_shapes_schema()
    validator = _validator(fields)
    form = FILLED_EVERY_SHAPE_FORM
    assert list(validator.iter_errors(form)) == []
    required = [f.name for f in visible_fields(fields, form) if is_required(f)]
    assert "address" not in required  # hidden: priority is urgent
    assert {"subject", "api_key", "labels", "website"} <= set(required)
    for name in required:
        assert not validator.is_valid({k: v for k, v in form.items() if k != name}), name
    assert not validator.is_valid({**form, "priority": "normal"}), "address shows, unfilled"
    address = {"street": "1 Main St", "zip": 12345}
    assert validator.is_valid({**form, "priority": 2, "address": address})


def test_every_schema_of_a_300_connector_catalog_converts_and_agrees_with_visible_fields() -> None:
    catalog = generate_catalog(300)
    assert len(catalog) == 300
    for connector in catalog:
        fields = generate_input_schema(connector.name)
        validator = _validator(fields)
        needs_input = any(is_required(f) for f in visible_fields(fields, {}))
        assert validator.is_valid({}) is not needs_input, connector.name


STATUS = (
    PickListOption("Open", "open"),
    PickListOption("Closed", "closed"),
    PickListOption("Closed again", "closed"),
)
ROWS = (SchemaField(name="sku"), SchemaField(name="qty", type="integer", optional=True))

# (field, a good value, a bad value or None when every JSON value fits)
SHAPES: list[tuple[SchemaField, Any, Any]] = [
    (SchemaField(name="f", type="string", control_type="text"), "hello", 3),
    (SchemaField(name="f", type="string", control_type="text-area"), "a\nb", ["a"]),
    (SchemaField(name="f", type="string", control_type="password"), "s3cret", 1),
    (SchemaField(name="f", type="integer", control_type="integer"), 3, 3.5),
    (SchemaField(name="f", type="number", control_type="number"), 3.5, "3.5"),
    (SchemaField(name="f", control_type="integer"), 3, "3"),
    (SchemaField(name="f", type="boolean", control_type="checkbox"), False, "false"),
    (SchemaField(name="f", control_type="switch"), True, 1),
    (SchemaField(name="f", type="string", control_type="select", pick_list=STATUS), "open", "x"),
    (
        SchemaField(
            name="f",
            type="boolean",
            control_type="select",
            pick_list=(PickListOption("Yes", True), PickListOption("No", False)),
        ),
        False,
        "No",
    ),
    (
        SchemaField(
            name="f", pick_list=(PickListOption("One", 1), PickListOption("Urgent", "urgent"))
        ),
        1,
        "1",
    ),
    (SchemaField(name="f", control_type="select", pick_list="projects"), "p-1", 1),
    (
        SchemaField(name="f", type="string", control_type="multiselect", pick_list=STATUS),
        ["open", "closed"],
        ["open", "open"],
    ),
    (SchemaField(name="f", control_type="multiselect", pick_list="tags"), ["t"], "t"),
    (SchemaField(name="f", type="date", control_type="date"), "2024-02-29", "2023-02-29"),
    (SchemaField(name="f", type="date_time", control_type="date_time"), "2024-01-01T10:00Z", 5),
    (SchemaField(name="f", type="string", control_type="email"), "a@example.com", "nope"),
    (SchemaField(name="f", type="string", control_type="url"), "https://x.test", 5),
    (SchemaField(name="f", type="string", control_type="phone"), "+1 555 0100", 5550100),
    (SchemaField(name="f", control_type="hologram"), "anything", 5),
    (SchemaField(name="f", type="integer", control_type="hologram"), 5, "5"),
    (SchemaField(name="f", type="blob"), "x", {}),
    (SchemaField(name="f"), "x", None),
    (
        SchemaField(name="f", type="object", properties=ROWS),
        {"sku": "A1", "qty": 2},
        {"qty": 2},
    ),
    (SchemaField(name="f", properties=ROWS), {"sku": "A1"}, {"sku": 1}),
    (SchemaField(name="f", type="object"), {"any": "thing"}, []),
    (
        SchemaField(name="f", type="array", of="object", properties=ROWS),
        [{"sku": "A1"}, {"sku": "B2", "qty": 1}],
        [{"qty": 1}],
    ),
    (SchemaField(name="f", type="array", of="string"), ["a", "b"], ["a", 1]),
    (SchemaField(name="f", type="array", of="date"), ["2024-01-31"], ["2024-01-32"]),
    (SchemaField(name="f", type="array"), [1, "a"], "a"),
    (
        SchemaField(
            name="f",
            type="boolean",
            control_type="checkbox",
            toggle_hint="Select",
            toggle_field=SchemaField(name="f", type="string", control_type="text"),
        ),
        "true",
        1,
    ),
]


@pytest.mark.parametrize(("field", "good", "bad"), SHAPES, ids=lambda v: repr(v)[:60])
def test_every_field_shape_validates_good_values_and_rejects_bad_ones(
    field: SchemaField, good: Any, bad: Any
) -> None:
    validator = _validator([field])
    assert validator.is_valid({"f": good})
    if bad is not None:
        assert not validator.is_valid({"f": bad})
    assert not validator.is_valid({}), "an absent optional means required"
    optional = _validator([msgspec.structs.replace(field, optional=True)])
    assert optional.is_valid({})


def test_control_types_become_formats_and_keep_their_original() -> None:
    schema = to_json_schema(
        [
            SchemaField(name="p", type="string", control_type="password"),
            SchemaField(name="d", type="date_time"),
            SchemaField(name="u", control_type="url"),
            SchemaField(name="h", type="string", control_type="hologram"),
        ]
    )
    props = schema["properties"]
    assert props["p"] == {
        "type": "string",
        "format": "password",
        "writeOnly": True,
        "x-workato-type": "string",
        "x-workato-control_type": "password",
    }
    assert props["d"]["format"] == "date-time"
    assert props["u"]["format"] == "uri"
    assert props["h"] == {
        "type": "string",
        "x-workato-type": "string",
        "x-workato-control_type": "hologram",
    }


def test_static_pick_lists_become_titled_options_without_duplicates() -> None:
    schema = to_json_schema([SchemaField(name="s", control_type="select", pick_list=STATUS)])
    prop = schema["properties"]["s"]
    assert prop["oneOf"] == [
        {"const": "open", "title": "Open"},
        {"const": "closed", "title": "Closed"},
    ]
    assert prop["type"] == "string"
    assert prop["x-workato-pick_list"][2] == ["Closed again", "closed"]


def test_pick_lists_that_cannot_be_options_are_kept_not_enforced() -> None:
    validator = _validator(
        [
            SchemaField(name="e", control_type="select", pick_list=()),
            SchemaField(name="t", control_type="text", pick_list=STATUS),
        ]
    )
    assert validator.is_valid({"e": "free", "t": "free text"})
    assert validator.schema["properties"]["t"]["x-workato-pick_list"][0] == ["Open", "open"]


def test_toggle_with_another_name_is_a_sibling_that_satisfies_the_requirement() -> None:
    field = SchemaField(
        name="project",
        control_type="select",
        pick_list="projects",
        toggle_field=SchemaField(name="project_id", type="integer"),
    )
    validator = _validator([field])
    assert validator.is_valid({"project": "p"})
    assert validator.is_valid({"project_id": 4})
    assert not validator.is_valid({})
    assert not validator.is_valid({"project_id": "four"})
    assert validator.schema["properties"]["project_id"]["x-workato-toggle-for"] == "project"


def test_toggle_with_the_same_name_offers_both_inputs_with_their_hints() -> None:
    field = SchemaField(
        name="owner",
        label="Owner",
        control_type="select",
        pick_list="users",
        toggle_hint="Select from list",
        toggle_field=SchemaField(name="owner", type="string", toggle_hint="Use ID"),
    )
    prop = to_json_schema([field])["properties"]["owner"]
    assert prop["title"] == "Owner"
    assert [alt["title"] for alt in prop["anyOf"]] == ["Select from list", "Use ID"]
    assert _validator([field]).is_valid({"owner": "u-1"})  # fits both inputs: anyOf, not oneOf


def test_every_workato_attribute_survives_under_an_x_workato_key() -> None:
    field = SchemaField(
        name="f",
        label="Label",
        type="string",
        control_type="text",
        hint="<b>Bold</b> &amp; plain",
        optional=False,
        sticky=True,
        default="d",
        disable_formula=True,
        extends_schema=True,
        ng_if="line.g",
        pick_list="names",
        toggle_hint="Pick",
        of="string",
    )
    prop = to_json_schema([field])["allOf"][0]["then"]["properties"]["f"]
    assert prop["title"] == "Label"
    assert prop["description"] == "Bold & plain"
    assert prop["default"] == "d"
    kept = {key.removeprefix("x-workato-"): value for key, value in prop.items() if "x-" in key}
    assert kept == {
        "type": "string",
        "control_type": "text",
        "hint": "<b>Bold</b> &amp; plain",
        "optional": False,
        "ngIf": "line.g",
        "toggle_hint": "Pick",
        "of": "string",
        "sticky": True,
        "disable_formula": True,
        "extends_schema": True,
        "pick_list": "names",
    }


def test_hint_text_strips_tags_decodes_entities_and_keeps_line_breaks() -> None:
    assert hint_text("Line one</br>Line <i>two</i>&nbsp;&lt;3<br/><p>para</p>") == (
        "Line one\nLine two <3\npara"
    )
    assert hint_text("<a href='x'>  spaced \n  out </a>") == "spaced out"


def test_absent_optional_counts_as_required() -> None:
    assert is_required(SchemaField(name="a"))
    assert is_required(SchemaField(name="a", optional=False))
    assert not is_required(SchemaField(name="a", optional=True))


def test_nested_ngif_reads_the_nested_object_as_line() -> None:
    field = SchemaField(
        name="conn",
        type="object",
        properties=(
            SchemaField(name="mode", control_type="select", pick_list="modes"),
            SchemaField(name="host", ng_if="line.mode == 'custom'"),
        ),
    )
    validator = _validator([field])
    assert validator.is_valid({"conn": {"mode": "cloud"}})
    assert not validator.is_valid({"conn": {"mode": "custom"}})
    assert validator.is_valid({"conn": {"mode": "custom", "host": "h"}})
    assert validator.is_valid({"mode": "custom", "conn": {"mode": "cloud"}})


def test_fields_sharing_an_ngif_share_one_conditional_entry_in_order() -> None:
    schema = to_json_schema(
        [
            SchemaField(name="a", ng_if="line.x"),
            SchemaField(name="b"),
            SchemaField(name="c", ng_if="line.x", optional=True),
        ]
    )
    assert schema["x-workato-order"] == ["a", "b", "c"]
    assert len(schema["allOf"]) == 1
    assert list(schema["allOf"][0]["then"]["properties"]) == ["a", "c"]
    assert schema["allOf"][0]["then"]["required"] == ["a"]


def test_unparseable_ngif_makes_the_field_unconditional_and_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    expression = f"line.count > {uuid.uuid4().int}"
    with caplog.at_level(logging.WARNING, logger="workato_connectors"):
        schema = to_json_schema([SchemaField(name="a", ng_if=expression)])
    assert schema["required"] == ["a"]
    assert "unexpected character '>'" in schema["properties"]["a"]["x-workato-ngIf-unsupported"]
    assert any(expression in record.getMessage() for record in caplog.records)


def test_duplicate_names_apply_both_declarations() -> None:
    validator = _validator(
        [SchemaField(name="a", type="string"), SchemaField(name="a", control_type="email")]
    )
    assert validator.is_valid({"a": "x@example.com"})
    assert not validator.is_valid({"a": "x"})


def test_non_schema_fields_are_a_type_error_that_says_what_is_accepted() -> None:
    with pytest.raises(TypeError, match="fields must be SchemaField objects"):
        to_json_schema([{"name": "a"}])  # type: ignore[list-item]


# -- property-based --

NAMES = st.sampled_from(["a", "b", "c", "d", ""])
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False)
) | st.text(max_size=5)
NGIFS = st.one_of(
    st.none(),
    st.sampled_from(["line.a", "!line.b", "line.c == 'x'", "line.a && line.b || !line.c", " "]),
    st.text(max_size=15),
)
HINTS = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["<b>x</b></br>y", "<a", "&"]))
TYPES = st.sampled_from(
    [None, "string", "integer", "number", "boolean", "date", "date_time", "timestamp", "object"]
    + ["array", "blob", "Date_Time", ""]
)
CONTROLS = st.sampled_from(
    [None, "text", "text-area", "password", "integer", "number", "checkbox", "select"]
    + ["multiselect", "date", "date_time", "email", "url", "phone", "subdomain", "hologram", ""]
)
PICK_LISTS = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.lists(st.builds(PickListOption, st.text(max_size=5), JSON_SCALARS), max_size=4).map(tuple),
)


def _field_trees(children: st.SearchStrategy[tuple[SchemaField, ...]]) -> st.SearchStrategy[Any]:
    return st.builds(
        SchemaField,
        name=NAMES,
        label=st.one_of(st.none(), st.text(max_size=8)),
        type=TYPES,
        control_type=CONTROLS,
        hint=HINTS,
        optional=st.sampled_from([None, True, False]),
        sticky=st.booleans(),
        default=st.one_of(JSON_SCALARS, st.lists(JSON_SCALARS, max_size=2)),
        disable_formula=st.booleans(),
        extends_schema=st.booleans(),
        ng_if=NGIFS,
        pick_list=PICK_LISTS,
        properties=children,
        toggle_hint=st.one_of(st.none(), st.text(max_size=5)),
        toggle_field=st.one_of(st.none(), st.builds(SchemaField, name=NAMES, type=TYPES)),
        of=st.one_of(st.none(), TYPES),
    )


FIELD_LISTS = st.recursive(
    st.just(()),
    lambda children: st.lists(_field_trees(children), max_size=4).map(tuple),
    max_leaves=12,
)
VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FIELD_LISTS, st.dictionaries(NAMES, VALUES, max_size=5))
def test_random_field_trees_never_raise_and_always_give_a_valid_json_schema(
    fields: tuple[SchemaField, ...], values: dict[str, Any]
) -> None:
    validator = _validator(list(fields))
    assert isinstance(validator.is_valid(values), bool)
    assert all(isinstance(f, SchemaField) for f in visible_fields(fields, values))


FLAT_FIELDS = st.lists(
    st.builds(
        SchemaField,
        name=st.sampled_from(["f1", "f2", "f3", "f4"]),
        ng_if=st.one_of(
            st.none(),
            st.sampled_from(
                ["line.a", "!line.a", "line.b == 'x'", "line.b != 'x'", "line.a && line.c"]
                + ["line.a || line.c == 1", "!(line.b == 'x' || line.c)", "line.a >= 1"]
            ),
        ),
        optional=st.sampled_from([None, True, False]),
    ),
    max_size=5,
    unique_by=lambda field: field.name,
)
CONTROLLER_VALUES = st.sampled_from([None, True, False, 0, 1, "", "x", "false", "true"])


@settings(max_examples=300, deadline=None)
@given(
    FLAT_FIELDS,
    st.dictionaries(st.sampled_from(["a", "b", "c"]), CONTROLLER_VALUES),
    st.sets(st.sampled_from(["f1", "f2", "f3", "f4"])),
)
def test_schema_requires_exactly_the_visible_required_fields(
    fields: list[SchemaField], controllers: dict[str, Any], filled: set[str]
) -> None:
    values = {**controllers, **{name: "value" for name in filled}}
    expected = all(f.name in filled for f in visible_fields(fields, values) if is_required(f))
    assert _validator(fields).is_valid(values) is expected
