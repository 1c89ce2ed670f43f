"""Convert Workato input schemas into JSON Schema (draft 2020-12) documents for forms.

The document works as-is with validators (``jsonschema``, Ajv) and with renderers that
understand ``if``/``then`` (react-jsonschema-form). Decisions a consumer can rely on:

* Required: a field is required unless ``optional`` is ``true``. Workato leaves
  ``optional`` out of most connection fields and its connection forms then insist on a
  value, so an absent ``optional`` counts as required (:func:`is_required`).
* ``ngIf``: a field with a condition is declared only inside the ``then`` of an
  ``allOf`` entry whose ``if`` is the exact JSON Schema translation of the condition
  (:func:`workato_connectors._ngif.condition_schema`). A hidden field is therefore
  neither required nor type-checked, so a stale value left in it never makes a filled
  form invalid, and renderers show it only when the condition holds (the same pattern as
  react-jsonschema-form's ``if``/``then`` examples). Fields that share an expression share
  one entry. An expression that does not parse fails open: the field is unconditional,
  the problem is kept under ``x-workato-ngIf-unsupported`` and logged once.
* ``line`` is the object holding the field, so nested objects (and each item of an array
  of objects) carry their own ``allOf`` conditions.
* Types: ``type`` decides the JSON type, ``control_type`` refines it (``format`` for
  date, date_time, email, url and password, which is also ``writeOnly``) or supplies it
  when ``type`` is missing; anything unknown is a string (or the declared ``type``).
  ``select`` with a static pick list is a ``oneOf`` of ``{"const", "title"}`` options;
  ``multiselect`` is an array of them with ``uniqueItems`` (a JSON array, as renderers
  produce it; joining it into Workato's delimited string is the sender's job). Named
  (dynamic) pick lists need a live connection and are kept under ``x-workato-pick_list``.
* ``toggle_field`` is an alternative way to enter the same value: when it has the same
  name the property is an ``anyOf`` of both inputs (``anyOf``, not ``oneOf``, because a
  value such as a string often fits both); with another name it is a second property and
  either one satisfies the requirement.
* ``label`` is ``title``; ``hint`` becomes a plain-text ``description`` (HTML stripped).
* Nothing is lost: every Workato attribute that is set is also kept verbatim under
  ``x-workato-<attribute>`` (``x-workato-ngIf``, ``x-workato-control_type``,
  ``x-workato-hint``, ``x-workato-sticky``, ...), and ``x-workato-order`` lists the
  property names in Workato's order, since conditional ones live outside ``properties``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any

import msgspec

from ._models import PickListOption, SchemaField
from ._ngif import compile_condition, condition_schema
from ._ngif_syntax import NgIfSyntaxError

__all__ = ["DIALECT", "hint_text", "is_required", "to_json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Workato type or control type (lower case, "_" read as "-") -> (JSON type, format).
_TYPES: dict[str, tuple[str, str | None]] = {
    "string": ("string", None),
    "integer": ("integer", None),
    "number": ("number", None),
    "boolean": ("boolean", None),
    "date": ("string", "date"),
    "date-time": ("string", "date-time"),
    "datetime": ("string", "date-time"),
    "timestamp": ("string", "date-time"),
    "time": ("string", "time"),
    "object": ("object", None),
    "array": ("array", None),
}
_CONTROLS: dict[str, tuple[str, str | None]] = {
    "text": ("string", None),
    "plain-text": ("string", None),
    "text-area": ("string", None),
    "plain-text-area": ("string", None),
    "password": ("string", "password"),
    "integer": ("integer", None),
    "number": ("number", None),
    "checkbox": ("boolean", None),
    "boolean": ("boolean", None),
    "switch": ("boolean", None),
    "select": ("string", None),
    "multiselect": ("array", None),
    "date": ("string", "date"),
    "date-time": ("string", "date-time"),
    "timestamp": ("string", "date-time"),
    "time": ("string", "time"),
    "email": ("string", "email"),
    "url": ("string", "uri"),
    "phone": ("string", None),
    "subdomain": ("string", None),
}
_ENUMERATED = frozenset({"select", "multiselect", "radio", ""})


def is_required(field: SchemaField) -> bool:
    """Return whether the field must be filled in when visible (``optional`` is not true)."""
    return field.optional is not True


class _TextOnly(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        # In HTML a raw newline is only whitespace; breaks come from tags.
        self.parts.append(" ".join(data.splitlines()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:  # Workato writes "</br>" for a line break
            self.parts.append("\n")


def hint_text(html: str) -> str:
    """Return the plain text of an HTML hint: tags dropped, entities decoded, breaks kept.

    Example::

        hint_text("Select provider.</br>See <a href='...'>here</a>.")
        # 'Select provider.\\nSee here.'
    """
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _key(text: str | None) -> str:
    return (text or "").strip().lower().replace("_", "-") if isinstance(text, str) else ""


def _json_type(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object" if isinstance(value, dict) else None


def _identity(value: Any) -> tuple[str, Any]:
    # JSON Schema equality: 1 == 1.0, but true is not 1.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)
    return ("json", json.dumps(value, sort_keys=True, default=repr))


def _enumeration(options: tuple[PickListOption, ...]) -> tuple[dict[str, Any], bool]:
    """Return the ``oneOf`` schema of a static pick list and whether duplicates were dropped."""
    seen: set[tuple[str, Any]] = set()
    one_of: list[dict[str, Any]] = []
    types: set[str | None] = set()
    for option in options:
        identity = _identity(option.value)
        if identity in seen:
            continue  # a repeated value would match two branches and fail oneOf
        seen.add(identity)
        one_of.append({"const": option.value, "title": str(option.label)})
        types.add(_json_type(option.value))
    if {"integer", "number"} <= types:
        types.discard("integer")
    schema: dict[str, Any] = {"oneOf": one_of}
    if None not in types:
        names = sorted(t for t in types if t is not None)
        schema["type"] = names[0] if len(names) == 1 else names
    return schema, len(one_of) < len(options)


def _raw(value: Any) -> Any:
    return msgspec.to_builtins(value)


def _annotations(field: SchemaField) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if field.label is not None:
        schema["title"] = field.label
    if field.hint is not None:
        text = hint_text(field.hint)
        if text:
            schema["description"] = text
    if field.default is not None:
        schema["default"] = field.default
    kept = {
        "type": field.type,
        "control_type": field.control_type,
        "optional": field.optional,
        "hint": field.hint,
        "ngIf": field.ng_if,
        "toggle_hint": field.toggle_hint,
        "of": field.of,
    }
    for name, value in kept.items():
        if value is not None:
            schema[f"x-workato-{name}"] = value
    for name, flag in (
        ("sticky", field.sticky),
        ("disable_formula", field.disable_formula),
        ("extends_schema", field.extends_schema),
    ):
        if flag:
            schema[f"x-workato-{name}"] = True
    if isinstance(field.pick_list, str):
        schema["x-workato-pick_list"] = field.pick_list
    return schema


def _items(field: SchemaField) -> dict[str, Any]:
    of = _key(field.of)
    if field.properties or of == "object":
        return _object_schema(field.properties)
    if of in _TYPES:
        json_type, fmt = _TYPES[of]
        return {"type": json_type, **({"format": fmt} if fmt else {})}
    return {}


def _assertions(field: SchemaField) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the field's validation keywords, and extra ``x-`` keys that keep data."""
    control = _key(field.control_type)
    options = field.pick_list if isinstance(field.pick_list, tuple) else ()
    extra: dict[str, Any] = {}
    enumerated: dict[str, Any] | None = None
    if options and control in _ENUMERATED:
        enumerated, dropped = _enumeration(options)
        if dropped:
            extra["x-workato-pick_list"] = _raw(options)
    elif options:
        extra["x-workato-pick_list"] = _raw(options)
    if control == "multiselect":
        items = enumerated or {"type": "string"}
        return {"type": "array", "items": items, "uniqueItems": True}, extra
    if enumerated is not None:
        return enumerated, extra
    json_type, fmt = _TYPES.get(_key(field.type)) or _CONTROLS.get(control) or ("", None)
    if not json_type:
        json_type = "object" if field.properties else "string"
    fmt = fmt or _CONTROLS.get(control, ("", None))[1]
    schema: dict[str, Any] = {"type": json_type}
    if fmt and json_type == "string":
        schema["format"] = fmt
    if control == "password":
        schema["writeOnly"] = True
    if json_type == "object":
        schema.update(_object_schema(field.properties))
    elif json_type == "array":
        schema["items"] = _items(field)
    elif field.properties:
        extra["x-workato-properties"] = _raw(field.properties)
    return schema, extra


def _field_schema(field: SchemaField) -> dict[str, Any]:
    schema = _field_keywords(field)
    # Standard keywords first, Workato's x- keys last, for people reading the JSON.
    return dict(sorted(schema.items(), key=lambda item: item[0].startswith("x-")))


def _field_keywords(field: SchemaField) -> dict[str, Any]:
    annotations = _annotations(field)
    assertions, extra = _assertions(field)
    toggle = field.toggle_field
    if toggle is None:
        return {**annotations, **assertions, **extra}
    if toggle.name != field.name:
        # The caller declares it as a sibling property; keep it here too so it is not lost.
        return {**annotations, **assertions, **extra, "x-workato-toggle_field": _raw(toggle)}
    primary = dict(assertions)
    if field.toggle_hint:
        primary["title"] = field.toggle_hint
    alternative = _field_schema(toggle)
    if toggle.toggle_hint:
        alternative["title"] = toggle.toggle_hint
    return {**annotations, **extra, "anyOf": [primary, alternative]}


def _contribution(field: SchemaField) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Return the properties a field declares and the names any one of which satisfies it."""
    properties = {field.name: _field_schema(field)}
    requirement = [field.name] if is_required(field) else []
    toggle = field.toggle_field
    if toggle is not None and toggle.name != field.name:
        properties[toggle.name] = {**_field_schema(toggle), "x-workato-toggle-for": field.name}
        if requirement:
            requirement.append(toggle.name)
    return properties, requirement


def _condition(field: SchemaField) -> tuple[dict[str, Any] | bool, str | None]:
    """Return the field's visibility condition as a schema, and why it failed open."""
    node = compile_condition(field.ng_if)
    if node is not None:
        return condition_schema(node), None
    if isinstance(field.ng_if, str) and field.ng_if.strip():
        try:
            condition_schema(field.ng_if)
        except NgIfSyntaxError as exc:
            return True, exc.problem
    return True, None


class _Builder:
    """Collects one object's properties, requirements and conditional groups."""

    def __init__(self) -> None:
        self.properties: dict[str, Any] = {}
        self.required: list[str] = []
        self.all_of: list[Any] = []

    def add(self, properties: dict[str, dict[str, Any]], requirement: list[str]) -> None:
        for name, schema in properties.items():
            if name in self.properties:
                self.all_of.append({"properties": {name: schema}})  # both declarations apply
            else:
                self.properties[name] = schema
        if len(requirement) == 1 and requirement[0] not in self.required:
            self.required.append(requirement[0])
        elif len(requirement) > 1:
            self.all_of.append({"anyOf": [{"required": [name]} for name in requirement]})

    def keywords(self) -> dict[str, Any]:
        result: dict[str, Any] = {"properties": self.properties} if self.properties else {}
        if self.required:
            result["required"] = self.required
        if self.all_of:
            result["allOf"] = [
                {**entry, "then": entry["then"].keywords()} if "then" in entry else entry
                for entry in self.all_of
            ]
        return result


def _object_schema(fields: Sequence[SchemaField]) -> dict[str, Any]:
    top = _Builder()
    groups: dict[str, _Builder] = {}
    order: list[str] = []
    for field in fields:
        if not isinstance(field, SchemaField):
            raise TypeError(
                f"fields must be SchemaField objects (decode the API's JSON with the client "
                f"or msgspec.convert), not {type(field).__name__}"
            )
        properties, requirement = _contribution(field)
        order.extend(name for name in properties if name not in order)
        condition, problem = _condition(field)
        if problem is not None:
            properties[field.name]["x-workato-ngIf-unsupported"] = problem
        if condition is True:
            top.add(properties, requirement)
            continue
        key = field.ng_if if isinstance(field.ng_if, str) else ""
        if key not in groups:
            groups[key] = _Builder()
            top.all_of.append({"if": condition, "then": groups[key]})
        groups[key].add(properties, requirement)
    schema: dict[str, Any] = {"type": "object", "properties": {}, **top.keywords()}
    if order:
        schema["x-workato-order"] = order
    return schema


def to_json_schema(fields: Sequence[SchemaField]) -> dict[str, Any]:
    """Return a JSON Schema (draft 2020-12) document describing a form for these fields.

    See the module docstring for how each Workato attribute maps. The result is plain
    JSON data (``json.dumps`` works) and passes the draft 2020-12 metaschema.

    Example::

        schema = to_json_schema(await client.get_input_schema(97, "jms"))
        jsonschema.validate({"profile": "dev"}, schema)

    Raises:
        TypeError: an element of ``fields`` (or of nested ``properties``) is not a
            ``SchemaField``.
    """
    return {"$schema": DIALECT, **_object_schema(fields)}
