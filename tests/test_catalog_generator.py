"""The deterministic catalog and input-schema generators behind FakeWorkato (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import msgspec
import pytest

from workato_connectors import Connector, SchemaField
from workato_connectors.testing import (
    all_field_shapes_schema,
    generate_catalog,
    generate_input_schema,
)
from workato_connectors.testing._catalog import load_data
from workato_connectors.testing._schemas import all_field_shapes_wire, input_schema_wire

WORKATO_CATEGORIES = {
    "Analytics",
    "CRM",
    "Collaboration",
    "Customer Service",
    "Database",
    "Developer tools",
    "Directory Services",
    "Document/File",
    "E-commerce",
    "ERP",
    "Finance/Accounting",
    "HR",
    "IT Service Management",
    "Marketing",
    "Productivity",
    "Sales Enablement",
    "Security",
}

#: Every field shape and attribute a schema can use, as ``features`` names them.
EVERY_FEATURE = {
    *(
        f"control_type:{c}"
        for c in (
            "text",
            "text-area",
            "password",
            "integer",
            "number",
            "checkbox",
            "select",
            "multiselect",
            "date",
            "date_time",
            "email",
            "url",
            "phone",
        )
    ),
    *(
        f"type:{t}"
        for t in ("string", "integer", "number", "boolean", "date", "date_time", "object", "array")
    ),
    "boolean_select",
    "pick_list:dynamic",
    "pick_list:static",
    "pick_list:non_string_value",
    "optional:true",
    "optional:false",
    "optional:absent",
    "default",
    "hint:html",
    "sticky",
    "disable_formula",
    "extends_schema",
    "properties:object",
    "properties:array",
    "of:object",
    "of:string",
    "toggle",
    *(f"ngIf:{form}" for form in ("plain", "negated", "==", "!=", "&&", "||", "parentheses")),
}
NGIF_FORMS = {
    "plain": r"(?<![!\w.])line\.\w+(?!\s*[!=]=)",
    "negated": r"!line\.\w+",
    "==": r"==\s*'",
    "!=": r"!=\s*'",
    "&&": r"&&",
    "||": r"\|\|",
    "parentheses": r"\(",
}


def walk(fields: Iterable[SchemaField]) -> Iterator[SchemaField]:
    for field in fields:
        yield field
        yield from walk(field.properties)
        if field.toggle_field is not None:
            yield from walk([field.toggle_field])


def features(fields: Iterable[SchemaField]) -> set[str]:
    """Name every shape and attribute used by ``fields``, nested ones included."""
    found: set[str] = set()
    for f in walk(fields):
        if f.control_type:
            found.add(f"control_type:{f.control_type}")
        if f.type:
            found.add(f"type:{f.type}")
        if isinstance(f.pick_list, str):
            found.add("pick_list:dynamic")
        elif f.pick_list:
            found.add("pick_list:static")
            if any(not isinstance(option.value, str) for option in f.pick_list):
                found.add("pick_list:non_string_value")
            if f.type == "boolean":
                found.add("boolean_select")
        found.add(
            {True: "optional:true", False: "optional:false", None: "optional:absent"}[f.optional]
        )
        if f.default is not None:
            found.add("default")
        if f.hint and re.search(r"<[a-z]+", f.hint):
            found.add("hint:html")
        found.update(
            flag for flag in ("sticky", "disable_formula", "extends_schema") if getattr(f, flag)
        )
        if f.properties:
            found.add(f"properties:{f.type}")
        if f.of:
            found.add(f"of:{f.of}")
        if f.toggle_hint and f.toggle_field is not None:
            found.add("toggle")
        if f.ng_if:
            found.update(
                f"ngIf:{form}" for form, rx in NGIF_FORMS.items() if re.search(rx, f.ng_if)
            )
    return found


def sample_connectors() -> dict[str, Connector]:
    class Items(msgspec.Struct):
        items: list[Connector]

    items = msgspec.json.decode(load_data("integrations_google_drive_service_now.json"), type=Items)
    return {c.name: c for c in items.items}


# -- catalog --------------------------------------------------------------------------------


def test_the_same_size_and_seed_give_the_same_catalog():
    assert generate_catalog(500, seed=7) == generate_catalog(500, seed=7)


def test_another_seed_gives_another_catalog():
    assert generate_catalog(300, seed=0) != generate_catalog(300, seed=1)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 300, 416, 417, 1_000, 50_000])
def test_catalogs_have_the_size_asked_with_unique_sorted_names(size):
    names = [c.name for c in generate_catalog(size)]
    assert len(names) == size
    assert len(set(names)) == size
    assert names == sorted(names)
    assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize("size", [3, 300, 5_000])
def test_the_documented_connectors_are_included_verbatim(size):
    catalog = {c.name: c for c in generate_catalog(size, seed=3)}
    for name, connector in sample_connectors().items():
        assert catalog[name] == connector
    assert catalog["jms"].title == "JMS"


def test_a_connector_depends_only_on_its_name_and_seed():
    small = generate_catalog(300)
    large = {c.name: c for c in generate_catalog(2_000)}
    assert all(large[c.name] == c for c in small)


def test_a_full_catalog_has_real_product_names_then_suffixed_variants():
    names = {c.name for c in generate_catalog(50_000)}
    assert {"salesforce", "slack", "zendesk", "netsuite", "google_sheets"} <= names
    assert {"salesforce_v2", "slack_sandbox", "zendesk_legacy", "netsuite_9"} <= names


def test_connectors_look_like_workatos():
    catalog = generate_catalog(1_000)
    operations = [op for c in catalog for op in (*c.triggers, *c.actions)]
    for connector in catalog:
        assert 0 <= len(connector.triggers) <= 15
        assert 1 <= len(connector.actions) <= 30
        assert connector.categories and set(connector.categories) <= WORKATO_CATEGORIES
        for ops in (connector.triggers, connector.actions):
            assert [op.name for op in ops] == sorted({op.name for op in ops})
    assert {c.oauth for c in catalog} == {True, False}
    assert any(c.deprecated for c in catalog) and any(c.secondary for c in catalog)
    assert any(c.title is not None and c.title != c.name for c in catalog)
    assert any(op.title is None for op in operations)
    assert all(
        any(getattr(op, flag) for op in operations) for flag in ("deprecated", "bulk", "batch")
    )


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True, None])
def test_a_bad_size_is_a_value_error(bad):
    with pytest.raises(ValueError, match="size must be an int >= 0"):
        generate_catalog(bad)


def test_a_bad_seed_is_a_value_error():
    with pytest.raises(ValueError, match="seed must be an int"):
        generate_catalog(3, seed="x")  # type: ignore[arg-type]


# -- input schemas --------------------------------------------------------------------------


def test_the_jms_schema_is_the_documented_sample():
    sample = msgspec.json.decode(
        load_data("input_schema_jms.json"), type=dict[str, list[SchemaField]]
    )
    assert generate_input_schema("jms") == sample["result"]
    assert generate_input_schema("jms", seed=9) == sample["result"]


def test_input_schemas_are_deterministic_and_depend_on_the_seed():
    names = [c.name for c in generate_catalog(50)]
    first = [generate_input_schema(name) for name in names]
    assert first == [generate_input_schema(name) for name in names]
    assert first != [generate_input_schema(name, seed=1) for name in names]


def test_generated_schemas_have_2_to_10_uniquely_named_fields_and_ngif_on_real_fields():
    for connector in generate_catalog(300):
        fields = generate_input_schema(connector.name)
        names = [f.name for f in fields]
        if connector.name != "jms":  # the sample refers to a field the docs left out
            assert 2 <= len(fields) <= 10
            for field in fields:
                assert set(re.findall(r"line\.(\w+)", field.ng_if or "")) <= set(names)
        assert len(set(names)) == len(names)


def test_schemas_round_trip_through_msgspec():
    for name in ["jms", *(c.name for c in generate_catalog(100))]:
        fields = generate_input_schema(name)
        encoded = msgspec.json.encode(fields)
        assert msgspec.json.decode(encoded, type=list[SchemaField]) == fields
        wire = msgspec.json.encode(input_schema_wire(name))
        assert msgspec.json.decode(wire, type=list[SchemaField]) == fields
    shapes = all_field_shapes_schema()
    assert msgspec.json.decode(msgspec.json.encode(shapes), type=list[SchemaField]) == shapes


def test_the_every_shape_schema_holds_every_shape_and_attribute():
    fields = all_field_shapes_schema()
    missing = EVERY_FEATURE - features(fields)
    assert not missing
    names = {f.name for f in fields}
    for field in fields:
        assert set(re.findall(r"line\.(\w+)", field.ng_if or "")) <= names


def test_the_catalogs_schemas_together_use_every_shape_and_attribute():
    found: set[str] = set()
    for connector in generate_catalog(300):
        found |= features(generate_input_schema(connector.name))
    assert not EVERY_FEATURE - found


def test_the_wire_form_carries_extra_pick_list_elements_and_unknown_keys():
    encoded = msgspec.json.encode(all_field_shapes_wire())
    raw = msgspec.json.decode(encoded)
    options = [o for f in raw if isinstance(f.get("pick_list"), list) for o in f["pick_list"]]
    assert any(len(option) > 2 for option in options)
    assert any("delimiter" in f for f in raw)
    assert "delimiter" not in msgspec.json.encode(all_field_shapes_schema()).decode()


def test_the_every_shape_schema_is_a_fresh_list_each_time():
    first = all_field_shapes_schema()
    first.clear()
    assert all_field_shapes_schema()


@pytest.mark.parametrize("bad", ["", None, 3])
def test_a_bad_connector_name_is_a_value_error(bad):
    with pytest.raises(ValueError, match="connector_name must be a non-empty str"):
        generate_input_schema(bad)
