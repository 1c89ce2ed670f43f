"""Turn an input schema into view models for the connection-form preview.

The templates render these views; the browser evaluates the ``ngIf`` conditions kept on
them (``static/ngif.js``). Conditions often test a field that the static schema does not
declare (Workato's jms schema shows ``profile`` when ``!line.use_managed_connection`` and
``provider`` when ``line.use_managed_connection``, but has no ``use_managed_connection``):
the preview then adds a stand-in control for it, so every condition can be tried. The
stand-in is a checkbox when the conditions only test whether the field is set (or compare
it with ``true``/``false``), and a select of the compared values otherwise. As in
``_ngif``, ``line`` is the object that holds the field, so a stand-in joins the same
object as the fields that read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from markupsafe import Markup

from .._models import PickListOption, SchemaField
from .._ngif_syntax import And, Compare, NgIfSyntaxError, Node, Not, Or, Path, parse
from .._ngif_syntax import Literal as Constant
from ._hints import sanitize_hint

__all__ = ["FieldView", "OptionView", "build_form", "ngif_references", "widget_for"]

Widget = Literal[
    "text",
    "password",
    "textarea",
    "select",
    "multiselect",
    "dynamic-select",
    "checkbox",
    "integer",
    "number",
    "date",
    "datetime",
    "email",
    "url",
    "tel",
    "group",
]

# The ``<input type=...>`` for each widget rendered as an input element.
INPUT_TYPES: dict[str, str] = {
    "text": "text",
    "password": "password",
    "dynamic-select": "text",
    "checkbox": "checkbox",
    "integer": "number",
    "number": "number",
    "date": "date",
    "datetime": "datetime-local",
    "email": "email",
    "url": "url",
    "tel": "tel",
}

_CONTROL_WIDGETS: dict[str, Widget] = {
    "password": "password",
    "text-area": "textarea",
    "text_area": "textarea",
    "plain-text-area": "textarea",
    "multiselect": "multiselect",
    "checkbox": "checkbox",
    "boolean": "checkbox",
    "integer": "integer",
    "number": "number",
    "date": "date",
    "date_time": "datetime",
    "date-time": "datetime",
    "datetime": "datetime",
    "email": "email",
    "url": "url",
    "phone": "tel",
}

_TYPE_WIDGETS: dict[str, Widget] = {
    "boolean": "checkbox",
    "integer": "integer",
    "number": "number",
    "date": "date",
    "date_time": "datetime",
    "timestamp": "datetime",
}


@dataclass(frozen=True, slots=True)
class OptionView:
    """One ``<option>``: its label, its HTML value, and its JSON value for ``ngIf``."""

    label: str
    value: str
    json: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class FieldView:
    """One control of the preview (or a ``group`` of nested controls)."""

    name: str
    dom_id: str
    label: str
    widget: Widget
    input_type: str | None = None
    required: bool | None = None
    hint: Markup | None = None
    ng_if: str | None = None
    value: str | None = None
    checked: bool = False
    options: tuple[OptionView, ...] = ()
    pick_list: str | None = None
    children: tuple[FieldView, ...] = ()
    toggle: FieldView | None = None
    toggle_hint: str | None = None
    extends_schema: bool = False
    synthetic: bool = False
    is_list: bool = False

    @property
    def described_by(self) -> str:
        """Return the ids of the notes under the control, for ``aria-describedby``."""
        notes = (
            ("hint", self.hint),
            ("src", self.pick_list),
            ("ext", self.extends_schema),
            ("syn", self.synthetic),
            ("cond", self.ng_if),
        )
        return " ".join(f"{self.dom_id}-{suffix}" for suffix, shown in notes if shown)


def widget_for(field: SchemaField) -> Widget:
    """Return the widget that previews a field, from its control type, type and pick list."""
    control = (field.control_type or "").strip().lower()
    kind = (field.type or "").strip().lower()
    if field.properties or kind == "object":
        return "group"
    if control == "select" or (not control and field.pick_list is not None):
        if isinstance(field.pick_list, str):
            return "dynamic-select"
        return "select" if field.pick_list else "text"
    if control == "multiselect" and isinstance(field.pick_list, str):
        return "dynamic-select"
    if control in _CONTROL_WIDGETS:
        return _CONTROL_WIDGETS[control]
    return _TYPE_WIDGETS.get(kind, "text")


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from _walk(operand)


def ngif_references(expression: str) -> dict[str, list[Any]]:
    """Return the names of ``line`` an ``ngIf`` expression tests, with the literals each meets.

    Only one-segment paths count (``line.a``, not ``line.a.b``): they are the ones a
    stand-in control can answer. The literals are those compared with the name by
    ``==``/``!=``, in order of appearance. An expression that does not parse tests nothing
    (its field always shows).
    """
    try:
        tree = parse(expression)
    except NgIfSyntaxError:
        return {}
    references: dict[str, list[Any]] = {}
    for node in _walk(tree):
        path = node.left if isinstance(node, Compare) else node
        if not isinstance(path, Path) or len(path.names) != 1:
            continue
        literals = references.setdefault(path.names[0], [])
        if isinstance(node, Compare) and isinstance(node.right, Constant):
            value = node.right.value
            if not any(type(v) is type(value) and v == value for v in literals):
                literals.append(value)
    return references


def _humanize(name: str) -> str:
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def _stand_in(name: str, literals: list[Any]) -> SchemaField:
    # A checkbox answers truthiness tests and comparisons with true/false ("true"/"false").
    values = [v for v in literals if v not in (None, "true", "false") and not isinstance(v, bool)]
    if not values:
        return SchemaField(
            name=name, label=_humanize(name), type="boolean", control_type="checkbox"
        )
    options = tuple(PickListOption(str(v), v) for v in values)
    return SchemaField(name=name, label=_humanize(name), control_type="select", pick_list=options)


def _with_stand_ins(fields: Sequence[SchemaField]) -> Iterator[tuple[SchemaField, bool]]:
    """Yield the fields of one object, each stand-in just before its first reader."""
    known = {f.name for f in fields}
    added: set[str] = set()
    for field in fields:
        if field.ng_if:
            for name in ngif_references(field.ng_if):
                if name not in known and name not in added:
                    added.add(name)
                    yield _stand_in(name, _literals_in_scope(fields, name)), True
        yield field, False


def _literals_in_scope(fields: Sequence[SchemaField], name: str) -> list[Any]:
    found: list[Any] = []
    for field in fields:
        if field.ng_if:
            for value in ngif_references(field.ng_if).get(name, ()):
                if value not in found:
                    found.append(value)
    return found


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _options(field: SchemaField) -> tuple[OptionView, ...]:
    if not isinstance(field.pick_list, tuple):
        return ()
    return tuple(
        OptionView(
            label=option.label,
            value=str(index),
            json=msgspec.json.encode(option.value).decode(),
            selected=field.default is not None and option.value == field.default,
        )
        for index, option in enumerate(field.pick_list)
    )


class _FormBuilder:
    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def fields(self, fields: Sequence[SchemaField]) -> tuple[FieldView, ...]:
        return tuple(
            self.field(field, synthetic=synthetic) for field, synthetic in _with_stand_ins(fields)
        )

    def field(self, field: SchemaField, *, synthetic: bool = False) -> FieldView:
        widget = widget_for(field)
        dom_id = f"f{next(self._ids)}"
        children = self.fields(field.properties) if widget == "group" else ()
        toggle = field.toggle_field
        return FieldView(
            name=field.name,
            dom_id=dom_id,
            label=field.label or _humanize(field.name),
            widget=widget,
            input_type=INPUT_TYPES.get(widget),
            required=None if field.optional is None else not field.optional,
            hint=sanitize_hint(field.hint),
            ng_if=field.ng_if.strip() if field.ng_if and field.ng_if.strip() else None,
            value=None if widget == "checkbox" else _scalar(field.default),
            checked=widget == "checkbox" and field.default in (True, "true"),
            options=_options(field),
            pick_list=field.pick_list if isinstance(field.pick_list, str) else None,
            children=children,
            toggle=None if toggle is None else self.field(toggle),
            toggle_hint=field.toggle_hint,
            extends_schema=field.extends_schema,
            synthetic=synthetic,
            is_list=(field.type or "").lower() == "array",
        )


def build_form(fields: Sequence[SchemaField]) -> tuple[FieldView, ...]:
    """Return the preview's controls for an input schema, stand-ins included.

    Parameters
    ----------
    fields:
        The connector's input schema, as returned by ``get_input_schema``.

    Returns
    -------
    tuple[FieldView, ...]
        One view per field, in schema order, with DOM ids unique within the page; a
        stand-in control precedes the first field whose ``ngIf`` reads an undeclared name.
    """
    return _FormBuilder().fields(fields)
