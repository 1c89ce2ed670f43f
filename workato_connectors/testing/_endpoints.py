"""The fake server's request parsing, free of I/O: paths, query parameters and bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote

import msgspec

from .._models import Connector

__all__ = [
    "MAX_PER_PAGE",
    "NameIndex",
    "Rejection",
    "is_managed_user",
    "match_schema_path",
    "parse_applications",
    "parse_page_query",
]

MAX_PER_PAGE = 100
_MAX_USER_ID = 10**9
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DIGITS = re.compile(r"[0-9]{1,18}")
_SCHEMA_PATH = ("", "api", "v2", "managed_users", None, "connectors", None, "input_schema")


class Rejection(msgspec.Struct, frozen=True):
    """A 400 validation error: ``{"message": ..., "errors": {field: [...]}}``."""

    errors: dict[str, list[str]]
    message: str = "Validation failed"


class _ApplicationsBody(msgspec.Struct):
    applications: str | list[str] | None = None


def _positive(value: str | None, default: int) -> int | str:
    """Return the integer, or the validation message for a bad value."""
    if value is None:
        return default
    if not _INTEGER.fullmatch(value):
        return "must be an integer"
    number = int(value)
    return number if number >= 1 else "must be greater than or equal to 1"


def parse_page_query(query: Mapping[str, str], cap: int) -> tuple[int, int] | Rejection:
    """Return ``(page, effective per_page)`` of ``/api/integrations/all``, or why not.

    Both default to 1; ``per_page`` is capped at ``min(100, cap)``.
    """
    page = _positive(query.get("page"), 1)
    per_page = _positive(query.get("per_page"), 1)
    if isinstance(page, int) and isinstance(per_page, int):
        return page, min(per_page, MAX_PER_PAGE, cap)
    errors = {
        key: [value]
        for key, value in (("page", page), ("per_page", per_page))
        if isinstance(value, str)
    }
    return Rejection(errors)


def parse_applications(query_value: str | None, body: bytes) -> list[str] | Rejection:
    """Return the connector names asked for, from the query string or else a JSON body.

    Names are stripped and deduplicated, keeping the order asked.
    """
    wanted: str | list[str] | None = query_value
    if not wanted and body:
        try:
            wanted = msgspec.json.decode(body, type=_ApplicationsBody).applications
        except msgspec.MsgspecError:
            return Rejection(
                {"applications": ["must be a comma-separated string in a JSON object"]}
            )
    if isinstance(wanted, str):
        wanted = wanted.split(",")
    names = list(dict.fromkeys(name.strip() for name in wanted or () if name.strip()))
    return names if names else Rejection({"applications": ["can't be blank"]})


def match_schema_path(raw_path: str) -> tuple[str, str] | None:
    """Return the decoded ``(managed_user_id, connector_name)`` of an input-schema path.

    The raw path is split before decoding, so an encoded ``/`` (``%2F``) stays inside
    its segment.
    """
    segments = raw_path.split("/")
    if len(segments) != len(_SCHEMA_PATH):
        return None
    for got, want in zip(segments, _SCHEMA_PATH, strict=True):
        if want is not None and got != want:
            return None
    return unquote(segments[4]), unquote(segments[6])


def is_managed_user(managed_user_id: str) -> bool:
    """Return whether a numeric Account ID in 1..10**9 or an External ID (``E...``)."""
    if _DIGITS.fullmatch(managed_user_id):
        return 1 <= int(managed_user_id) <= _MAX_USER_ID
    return len(managed_user_id) > 1 and managed_user_id.startswith("E")


class NameIndex:
    """Finds connectors by name in a list that tests may change at any time."""

    __slots__ = ("_positions",)

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}

    def find(self, catalog: list[Connector], name: str) -> Connector | None:
        """Return the first connector called ``name``, or ``None``."""
        hit = self._lookup(catalog, name)
        if hit is None:
            # A miss may only mean that the list changed: rebuild once (misses are rare).
            self._positions = {}
            for position in range(len(catalog) - 1, -1, -1):
                self._positions[catalog[position].name] = position
            hit = self._lookup(catalog, name)
        return hit

    def _lookup(self, catalog: list[Connector], name: str) -> Connector | None:
        position = self._positions.get(name)
        if position is not None and position < len(catalog):
            connector = catalog[position]
            if connector.name == name:
                return connector
        return None
