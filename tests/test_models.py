"""Decoding recorded payloads and everything the OpenAPI fragment allows."""

from pathlib import Path

import msgspec
import pytest

from workato_connectors import (
    Connector,
    ConnectorPage,
    Operation,
    PickListOption,
    ResponseDecodeError,
    SchemaField,
)
from workato_connectors._models import _ItemsEnvelope, _SchemaEnvelope
from workato_connectors._protocol import decode

SAMPLES = Path(__file__).parent / "samples"


def test_documented_integrations_sample_decodes_with_every_field():
    items = decode(
        (SAMPLES / "integrations_google_drive_service_now.json").read_bytes(), _ItemsEnvelope
    ).items
    assert [c.name for c in items] == ["google_drive", "service_now"]
    drive, snow = items
    assert drive.title == "Google Drive"
    assert drive.categories == ("Document/File", "Sales Enablement")
    assert drive.oauth is True and drive.deprecated is False and drive.secondary is False
    assert drive.triggers[0] == Operation(
        name="new_file_in_subfolder", title="New file or folder in folder hierarchy"
    )
    assert len(drive.actions) == 7
    assert snow.triggers[0].deprecated is True
    assert [t.name for t in snow.triggers if t.batch] == ["scheduled_query"]
    assert len(snow.actions) == 26


def test_documented_jms_schema_decodes_with_ngif_pick_list_and_flags():
    fields = decode((SAMPLES / "input_schema_jms.json").read_bytes(), _SchemaEnvelope).result
    profile, provider = fields
    assert profile.name == "profile" and profile.control_type == "text"
    assert profile.ng_if == "!line.use_managed_connection"
    assert profile.disable_formula is True and profile.extends_schema is False
    assert profile.hint is not None and "<b>jms</b>" in profile.hint
    assert profile.optional is None
    assert provider.pick_list == (
        PickListOption("Amazon SQS", "amazon-sqs"),
        PickListOption("ActiveMQ", "activemq"),
        PickListOption("Custom", "custom"),
    )
    assert provider.extends_schema is True


def test_nullable_operation_title_and_null_optional_keys_take_defaults():
    body = b"""{"items": [{"name": "x", "title": null, "categories": null, "oauth": null,
        "triggers": [{"name": "t", "title": null, "deprecated": null, "bulk": false}]}]}"""
    (connector,) = decode(body, _ItemsEnvelope).items
    assert connector == Connector(name="x", triggers=(Operation(name="t"),))
    assert connector.title is None and connector.categories == () and connector.oauth is False


def test_connector_needs_only_name_and_ignores_unknown_keys():
    body = b'{"items": [{"name": "x", "brand_new_attribute": {"a": 1}}]}'
    assert decode(body, _ItemsEnvelope).items == [Connector(name="x")]


@pytest.mark.parametrize(
    "body",
    [b'{"items": [{"title": "no name"}]}', b'{"result": [{"label": "no name"}]}'],
)
def test_missing_name_is_a_response_decode_error(body):
    target = _ItemsEnvelope if b"items" in body else _SchemaEnvelope
    with pytest.raises(ResponseDecodeError) as info:
        decode(body, target, status=200)
    assert "name" in str(info.value)
    assert info.value.status == 200
    assert info.value.snippet == body.decode()


def test_invalid_json_is_a_response_decode_error_with_a_short_snippet():
    body = b"<html>" + b"x" * 1000
    with pytest.raises(ResponseDecodeError) as info:
        decode(body, ConnectorPage, status=200)
    assert info.value.snippet.startswith("<html>")
    assert len(info.value.snippet) == 200


def test_page_decodes_count_page_and_effective_per_page():
    page = decode(b'{"items": [], "count": 293, "page": 1, "per_page": 90}', ConnectorPage)
    assert (page.count, page.page, page.per_page, page.items) == (293, 1, 90, ())


def test_pick_list_is_a_name_or_options_keeping_json_types_and_ignoring_extras():
    body = b"""{"result": [
        {"name": "a", "pick_list": "objects"},
        {"name": "b", "pick_list": [["One", 1, null, true], ["Yes", true], ["Nil", null]]}
    ]}"""
    a, b = decode(body, _SchemaEnvelope).result
    assert a.pick_list == "objects"
    assert b.pick_list == (
        PickListOption("One", 1),
        PickListOption("Yes", True),
        PickListOption("Nil", None),
    )


def test_nested_properties_toggle_field_and_of_decode_recursively():
    body = b"""{"result": [{"name": "obj", "type": "object", "properties": [
        {"name": "inner", "optional": false, "toggle_hint": "Use id",
         "toggle_field": {"name": "inner", "type": "string", "control_type": "text"}}]},
        {"name": "tags", "type": "array", "of": "string", "sticky": true, "default": ["a"]}]}"""
    obj, tags = decode(body, _SchemaEnvelope).result
    inner = obj.properties[0]
    assert inner.optional is False
    assert inner.toggle_field == SchemaField(name="inner", type="string", control_type="text")
    assert (tags.of, tags.sticky, tags.default) == ("string", True, ["a"])


def test_schema_field_encodes_back_to_workato_json_names_without_defaults():
    field = SchemaField(name="p", ng_if="line.x", optional=True)
    assert msgspec.json.decode(msgspec.json.encode(field)) == {
        "name": "p",
        "optional": True,
        "ngIf": "line.x",
    }


def test_models_are_frozen():
    with pytest.raises(AttributeError):
        Connector(name="x").name = "y"  # type: ignore[misc]
