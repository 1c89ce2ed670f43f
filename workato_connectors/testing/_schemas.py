"""Deterministic input schemas that exercise Workato's whole form-field vocabulary.

Schemas are built as plain JSON-ready dicts (the "wire" form the fake server sends) and
converted to ``SchemaField`` for Python callers. The wire form carries what the models
drop on purpose: extra trailing elements in pick-list options (``[label, value, null,
false]``, as Workato's pick-list API returns them) and keys the models do not know
(``delimiter``), so clients get to prove that they ignore them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Any

import msgspec

from .._models import SchemaField
from ._catalog import load_data

__all__ = ["all_field_shapes_schema", "generate_input_schema", "input_schema_wire"]

Wire = dict[str, Any]

_HINTS = (
    "Find it in <b>Settings</b> &gt; <b>API</b>.",
    "Leave blank to use the account default. <a href='https://docs.workato.com' "
    "target='_blank'>Learn more</a>",
    "Applies to <i>new</i> records only.</br>Existing records keep their value.",
)
_STATUS_OPTIONS: list[list[Any]] = [["Open", "open"], ["Pending", "pending"], ["Closed", "closed"]]
_PRIORITY_OPTIONS: list[list[Any]] = [
    ["Low", 1, None, False],  # extra trailing elements, as the pick-list API sends them
    ["Normal", 2, None, False],
    ["Urgent", "urgent", None, True],
]
_FLAG_OPTIONS: list[list[Any]] = [["Yes", True], ["No", False]]
_ADDRESS: list[Wire] = [
    {"name": "street", "label": "Street", "type": "string", "control_type": "text"},
    {"name": "city", "label": "City", "type": "string", "control_type": "text", "optional": True},
    {"name": "zip", "label": "ZIP code", "type": "integer", "control_type": "integer"},
]
_LINE_ITEM: list[Wire] = [
    {"name": "sku", "label": "SKU", "type": "string", "control_type": "text"},
    {"name": "quantity", "label": "Quantity", "type": "integer", "default": 1},
    {"name": "unit_price", "label": "Unit price", "type": "number", "control_type": "number"},
]


def _text(name: str, control: str) -> Wire:
    return {"name": name, "type": "string", "control_type": control}


def _select(name: str, pick_list: str | list[list[Any]], control: str = "select") -> Wire:
    return {"name": name, "type": "string", "control_type": control, "pick_list": pick_list}


# Each shape builds a field from a name; the names are realistic for that shape.
_SHAPES: dict[str, tuple[tuple[str, ...], Callable[[str], Wire]]] = {
    "text": (("subject", "external_id", "folder_path", "company"), lambda n: _text(n, "text")),
    "text-area": (("description", "notes", "body"), lambda n: _text(n, "text-area")),
    "password": (("api_key", "client_secret"), lambda n: _text(n, "password")),
    "integer": (
        ("retries", "page_size"),
        lambda n: {"name": n, "type": "integer", "control_type": "integer", "default": 3},
    ),
    "number": (
        ("amount", "discount"),
        lambda n: {"name": n, "type": "number", "control_type": "number", "default": 9.5},
    ),
    "checkbox": (
        ("notify", "use_managed_connection"),
        lambda n: {"name": n, "type": "boolean", "control_type": "checkbox", "default": True},
    ),
    "boolean": (
        ("archived", "is_private"),
        lambda n: {**_select(n, _FLAG_OPTIONS), "type": "boolean"},
    ),
    "select": (("status", "stage"), lambda n: _select(n, _STATUS_OPTIONS)),
    "select_values": (("priority",), lambda n: _select(n, _PRIORITY_OPTIONS)),
    "multiselect": (
        ("labels", "regions"),
        lambda n: {**_select(n, _STATUS_OPTIONS, "multiselect"), "delimiter": ","},
    ),
    "dynamic_select": (("sobject_name", "table"), lambda n: _select(n, f"{n}s")),
    "date": (("due_date", "start_date"), lambda n: {**_text(n, "date"), "type": "date"}),
    "date_time": (
        ("since", "updated_after"),
        lambda n: {**_text(n, "date_time"), "type": "date_time"},
    ),
    "email": (("email", "cc_email"), lambda n: _text(n, "email")),
    "url": (("website", "callback_url"), lambda n: _text(n, "url")),
    "phone": (("phone", "mobile"), lambda n: _text(n, "phone")),
    "object": (
        ("address", "billing_address"),
        lambda n: {"name": n, "type": "object", "properties": _ADDRESS},
    ),
    "array": (
        ("line_items", "tags"),
        lambda n: (
            {"name": n, "type": "array", "of": "object", "properties": _LINE_ITEM}
            if n == "line_items"
            else {"name": n, "type": "array", "of": "string", "control_type": "text"}
        ),
    ),
    "toggle": (
        ("owner_id", "project_id"),
        lambda n: {
            **_select(n, f"{n.removesuffix('_id')}s"),
            "toggle_hint": "Select from list",
            "toggle_field": {
                **_text(n, "text"),
                "label": _label(n),
                "toggle_hint": "Use ID",
            },
        },
    ),
}
#: Shapes whose value an ``ngIf`` can test, and how.
_CONTROLLERS = ("checkbox", "boolean", "select", "select_values")


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize().replace(" id", " ID").replace("Api ", "API ")


def _condition(rng: random.Random, controllers: list[tuple[str, str]]) -> str:
    """Return an ``ngIf`` expression over earlier controller fields."""

    def atom() -> str:
        name, shape = rng.choice(controllers)
        if shape == "select":
            return f"line.{name} {rng.choice(('==', '!='))} '{rng.choice(_STATUS_OPTIONS)[1]}'"
        if shape == "select_values":
            return f"line.{name} {rng.choice(('==', '!='))} 'urgent'"
        return rng.choice((f"line.{name}", f"!line.{name}"))

    form = rng.randrange(4)
    if form == 0:
        return atom()
    if form == 1:
        return f"{atom()} && {atom()}"
    if form == 2:
        return f"{atom()} || {atom()}"
    return f"({atom()} || {atom()}) && {atom()}"


def input_schema_wire(connector_name: str, seed: int = 0) -> list[Wire]:
    """Return the JSON-ready input schema the fake server sends for ``connector_name``."""
    if not isinstance(connector_name, str) or not connector_name:
        raise ValueError(f"connector_name must be a non-empty str, got {connector_name!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
    if connector_name == "jms":
        return _jms_wire()
    rng = random.Random(f"{seed}:{connector_name}:schema")
    fields: list[Wire] = []
    controllers: list[tuple[str, str]] = []
    taken: set[str] = set()
    size = rng.randint(2, 10)
    while len(fields) < size:
        shape = rng.choice(list(_SHAPES))
        names, build = _SHAPES[shape]
        name = rng.choice(names)
        if name in taken:
            continue
        taken.add(name)
        field = {**build(name), "label": _label(name)}
        optional = rng.choice((True, False, None))
        if optional is not None:
            field["optional"] = optional
        if rng.random() < 0.35:
            field["hint"] = rng.choice(_HINTS)
        for flag, chance in (("sticky", 0.2), ("disable_formula", 0.15)):
            if rng.random() < chance:
                field[flag] = True
        if shape in _CONTROLLERS:
            if rng.random() < 0.3:
                field["extends_schema"] = True
            controllers.append((name, shape))
        elif controllers and rng.random() < 0.5:
            field["ngIf"] = _condition(rng, controllers)
        fields.append(field)
    return fields


def generate_input_schema(connector_name: str, seed: int = 0) -> list[SchemaField]:
    """Return a deterministic input schema of 2 to 10 fields for ``connector_name``.

    ``jms`` gets Workato's documented sample verbatim. Across a catalog, the schemas
    use every field shape of ``all_field_shapes_schema()``; ``ngIf`` expressions only
    reference fields of the same schema.

    Raises:
        ValueError: ``connector_name`` is not a non-empty string or ``seed`` not an int.
    """
    return msgspec.convert(input_schema_wire(connector_name, seed), list[SchemaField])


@cache
def _jms_sample() -> bytes:
    return load_data("input_schema_jms.json")


def _jms_wire() -> list[Wire]:
    result: list[Wire] = msgspec.json.decode(_jms_sample())["result"]
    return result


def all_field_shapes_wire() -> list[Wire]:
    """Return the JSON-ready form of ``all_field_shapes_schema()`` (with wire-only extras)."""
    fields = [
        {**_SHAPES["text"][1]("subject"), "label": "Subject", "optional": False, "sticky": True},
        {**_SHAPES["text-area"][1]("description"), "label": "Description", "optional": True},
        {**_SHAPES["password"][1]("api_key"), "label": "API key", "disable_formula": True},
        {**_SHAPES["integer"][1]("retries"), "label": "Retries", "hint": _HINTS[1]},
        {**_SHAPES["number"][1]("amount"), "label": "Amount"},
        {**_SHAPES["checkbox"][1]("notify"), "label": "Notify", "sticky": True},
        {**_SHAPES["boolean"][1]("archived"), "label": "Archived", "extends_schema": True},
        {**_SHAPES["select"][1]("status"), "label": "Status", "default": "open"},
        {**_SHAPES["select_values"][1]("priority"), "label": "Priority", "extends_schema": True},
        {**_SHAPES["multiselect"][1]("labels"), "label": "Labels", "ngIf": "line.notify"},
        {**_SHAPES["dynamic_select"][1]("sobject_name"), "label": "Object", "hint": _HINTS[0]},
        {**_SHAPES["date"][1]("due_date"), "label": "Due date", "ngIf": "!line.archived"},
        {**_SHAPES["date_time"][1]("since"), "label": "Since", "ngIf": "line.status == 'open'"},
        {**_SHAPES["email"][1]("email"), "label": "Email", "ngIf": "line.status != 'closed'"},
        {**_SHAPES["url"][1]("website"), "label": "Website", "ngIf": "line.notify && line.email"},
        {**_SHAPES["phone"][1]("phone"), "label": "Phone", "ngIf": "line.notify || line.archived"},
        {
            **_SHAPES["object"][1]("address"),
            "label": "Address",
            "ngIf": "(line.notify || line.archived) && line.priority != 'urgent'",
        },
        {**_SHAPES["array"][1]("line_items"), "label": "Line items", "optional": True},
        {**_SHAPES["array"][1]("tags"), "label": "Tags"},
        {**_SHAPES["toggle"][1]("owner_id"), "label": "Owner"},
    ]
    return fields


def all_field_shapes_schema() -> list[SchemaField]:
    """Return one schema that holds every field shape and attribute at least once.

    Shapes: text, text-area, password, integer, number, checkbox, boolean select, static
    select (string and non-string values), multiselect, named dynamic pick list, date,
    date_time, email, url, phone, object with ``properties``, arrays with ``of`` (of
    objects and of strings) and a ``toggle_hint`` + ``toggle_field`` pair. Attributes:
    ``optional`` true/false/absent, ``default``, HTML ``hint``, ``sticky``,
    ``disable_formula``, ``extends_schema`` and ``ngIf`` in every form (``line.x``,
    ``!line.x``, ``==``, ``!=``, ``&&``, ``||``, parentheses), each referencing fields of
    this schema. A fresh list is returned on every call.
    """
    return msgspec.convert(all_field_shapes_wire(), list[SchemaField])
