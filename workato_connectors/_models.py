"""Response models: frozen msgspec Structs decoded straight from response bytes.

Every field that Workato may leave out has a default, and unknown keys are ignored, so
the models keep decoding when Workato adds attributes. JSON ``null`` in an optional key
is treated as "absent" by the protocol layer (see ``_protocol.decode``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from ._exceptions import WorkatoError

__all__ = [
    "Connector",
    "ConnectorPage",
    "Operation",
    "PickListOption",
    "SchemaField",
    "SchemaResult",
]


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """A trigger or an action of a connector.

    ``title`` is ``None`` when Workato sends ``null`` (its OpenAPI spec allows it).
    """

    name: str
    title: str | None = None
    deprecated: bool = False
    bulk: bool = False
    batch: bool = False


class Connector(msgspec.Struct, frozen=True, kw_only=True):
    """One connector of the catalog, with its categories, triggers and actions."""

    name: str
    title: str | None = None
    categories: tuple[str, ...] = ()
    oauth: bool = False
    deprecated: bool = False
    secondary: bool = False
    triggers: tuple[Operation, ...] = ()
    actions: tuple[Operation, ...] = ()


class ConnectorPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of ``/api/integrations/all``.

    ``count`` is the catalog's total and ``per_page`` the page size the server actually
    used (it caps what was asked for); either is ``None`` if the server left it out.
    """

    items: tuple[Connector, ...] = ()
    count: int | None = None
    page: int = 1
    per_page: int | None = None


class PickListOption(msgspec.Struct, frozen=True, array_like=True):
    """One ``[label, value]`` entry of a static pick list.

    ``value`` keeps its JSON type; extra trailing elements of the JSON array are ignored.
    """

    label: str
    value: Any


class SchemaField(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One field of a connector's input schema (Workato's form-field vocabulary).

    ``pick_list`` is either the name of a dynamic pick list or a static tuple of
    options. ``optional`` is ``None`` when Workato does not say. ``ng_if`` is the
    JSON ``ngIf`` visibility condition.
    """

    name: str
    label: str | None = None
    type: str | None = None
    control_type: str | None = None
    hint: str | None = None
    optional: bool | None = None
    sticky: bool = False
    default: Any = None
    disable_formula: bool = False
    extends_schema: bool = False
    ng_if: str | None = msgspec.field(default=None, name="ngIf")
    pick_list: str | tuple[PickListOption, ...] | None = None
    properties: tuple[SchemaField, ...] = ()
    toggle_hint: str | None = None
    toggle_field: SchemaField | None = None
    of: str | None = None


class SchemaResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one ``(managed_user_id, connector_name)`` pair of a bulk fetch.

    Exactly one of ``fields`` and ``error`` is set.
    """

    managed_user_id: int | str
    connector_name: str
    fields: list[SchemaField] | None = None
    error: WorkatoError | None = None

    @property
    def ok(self) -> bool:
        """Return whether the schema was fetched."""
        return self.error is None


class _ItemsEnvelope(msgspec.Struct, frozen=True):
    items: list[Connector] = msgspec.field(default_factory=list)


class _SchemaEnvelope(msgspec.Struct, frozen=True):
    result: list[SchemaField] = msgspec.field(default_factory=list)
