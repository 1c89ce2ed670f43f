"""Sans-I/O core: building requests and deciphering responses, as pure functions.

Nothing here touches the network; ``_transport`` is the thin aiohttp layer around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar
from urllib.parse import quote

import msgspec

from ._config import DATA_CENTERS, MAX_PER_PAGE
from ._exceptions import APIStatusError, ConfigurationError, ResponseDecodeError, error_class
from ._models import ConnectorPage, _ItemsEnvelope, _SchemaEnvelope
from ._retry import parse_retry_after

__all__ = [
    "Request",
    "decode",
    "error_from_response",
    "external_id",
    "input_schema_request",
    "list_connectors_request",
    "page_request",
    "resolve_base_url",
]

T = TypeVar("T")

SNIPPET_CHARS: Final = 200
_FORBIDDEN_IN_NAMES: Final = frozenset(", \t\r\n\v\f/")

# One cached decoder per response type: building a Decoder is the expensive part.
_DECODERS: Final[dict[type[Any], msgspec.json.Decoder[Any]]] = {
    t: msgspec.json.Decoder(t) for t in (_ItemsEnvelope, ConnectorPage, _SchemaEnvelope)
}


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request to make: method, encoded path and query parameters."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()


def resolve_base_url(base_url: str | None, data_center: str) -> str:
    """Return the API root for an explicit ``base_url`` or a data center name.

    Raises:
        ConfigurationError: an unknown data center or a malformed base URL.
    """
    if base_url is None:
        host = DATA_CENTERS.get(str(data_center).lower())
        if host is None:
            valid = ", ".join(DATA_CENTERS)
            raise ConfigurationError(
                f"unknown data center {data_center!r}; valid data centers are: {valid} "
                "(or pass base_url= for a private deployment)"
            )
        return host
    from yarl import URL

    try:
        url = URL(base_url)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"malformed base_url {base_url!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"base_url must be an absolute http(s) URL such as "
            f"'https://www.workato.com', got {base_url!r}"
        )
    if url.user or url.password or url.query_string or url.fragment:
        raise ConfigurationError(
            "base_url must not carry credentials, a query or a fragment; "
            "pass the token with token= or $WORKATO_API_TOKEN"
        )
    return str(url).rstrip("/")


def _check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    if value in (".", "..") or not _FORBIDDEN_IN_NAMES.isdisjoint(value):
        raise ValueError(
            f"invalid {what} {value!r}: names contain no comma, whitespace or '/', "
            "and may not be '.' or '..'"
        )
    return value


def _segment(value: str) -> str:
    """Percent-encode ``value`` as exactly one path segment."""
    return quote(value, safe="")


def external_id(value: str) -> str:
    """Return the managed-user id for an External ID: ``external_id("A2300") == "EA2300"``.

    The result is not URL-encoded; the client encodes it when it builds the request.

    Raises:
        ValueError: ``value`` is empty or not a string.
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"an External ID must be a non-empty string, got {value!r}")
    return "E" + value


def list_connectors_request(applications: str | Iterable[str]) -> Request:
    """Build ``GET /api/integrations?applications=a,b`` for the named connectors.

    ``applications`` is an iterable of names or one comma-separated string.

    Raises:
        ValueError: no names, or a name that is empty or malformed.
    """
    raw = applications.split(",") if isinstance(applications, str) else list(applications)
    names = [_check_name(n.strip() if isinstance(n, str) else n, "application name") for n in raw]
    if not names:
        raise ValueError("applications must name at least one connector, e.g. ['google_drive']")
    return Request("GET", "/api/integrations", (("applications", ",".join(names)),))


def _check_int(value: object, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        accepted = f"{low}..{high}" if high else f">= {low}"
        raise ValueError(f"{what} must be an int {accepted}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{what} must be an int {low}..{high}, got {value!r}")
    return value


def page_request(page: int = 1, per_page: int = MAX_PER_PAGE) -> Request:
    """Build ``GET /api/integrations/all?page=P&per_page=N``.

    Raises:
        ValueError: ``page`` < 1 or ``per_page`` outside 1..100.
    """
    _check_int(page, "page", 1)
    _check_int(per_page, "per_page", 1, MAX_PER_PAGE)
    return Request(
        "GET", "/api/integrations/all", (("page", str(page)), ("per_page", str(per_page)))
    )


def input_schema_request(managed_user_id: int | str, connector_name: str) -> Request:
    """Build the input-schema request, each id encoded as exactly one path segment.

    Raises:
        ValueError: an empty or malformed managed user id or connector name.
    """
    if isinstance(managed_user_id, bool) or not isinstance(managed_user_id, int | str):
        raise ValueError(
            f"managed_user_id must be an int or a str (e.g. 97 or 'EA2300'), "
            f"got {managed_user_id!r}"
        )
    user = str(managed_user_id)
    if not user or user in (".", ".."):
        raise ValueError(f"managed_user_id must be a non-empty id, got {managed_user_id!r}")
    name = _check_name(connector_name, "connector name")
    path = f"/api/v2/managed_users/{_segment(user)}/connectors/{_segment(name)}/input_schema"
    return Request("GET", path)


def _snippet(body: bytes) -> str:
    return body[:SNIPPET_CHARS].decode("utf-8", "replace")


def _drop_nulls(value: Any) -> Any:
    """Remove ``null`` values from every JSON object, so the field takes its default."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def decode(body: bytes, model: type[T], *, status: int = 200, url: str = "") -> T:
    """Decode a 2xx body straight into ``model``.

    The fast path decodes the bytes with a cached typed decoder. Only if that fails on a
    value (Workato sometimes sends ``null`` for an optional key), the body is decoded
    again with every ``null`` object value removed, so the field takes its default.

    Raises:
        ResponseDecodeError: the body is not JSON, or lacks a required key such as ``name``.
    """
    decoder = _DECODERS.get(model) or _DECODERS.setdefault(model, msgspec.json.Decoder(model))
    try:
        return decoder.decode(body)  # type: ignore[no-any-return]
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError as exc:
        raise ResponseDecodeError(
            f"response is not valid JSON: {exc}", status=status, snippet=_snippet(body), url=url
        ) from None
    try:
        return msgspec.convert(_drop_nulls(msgspec.json.decode(body)), model)
    except msgspec.ValidationError as exc:
        raise ResponseDecodeError(
            f"response does not match {model.__name__.lstrip('_')}: {exc}",
            status=status,
            snippet=_snippet(body),
            url=url,
        ) from None


def _error_message(status: int, reason: str, body: Any, raw: bytes) -> str:
    if isinstance(body, dict):
        for key in ("message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])
        errors = body.get("errors")
        if errors:
            return f"{reason or 'error'}: {msgspec.json.encode(errors).decode()}"
    text = " ".join(_snippet(raw).split())
    head = f"{status} {reason}".strip()
    return f"{head}: {text}" if text else head


def error_from_response(
    *,
    status: int,
    reason: str,
    body: bytes,
    headers: Mapping[str, str],
    method: str,
    url: str,
) -> APIStatusError:
    """Return the typed exception for a non-2xx response, parsing the body leniently.

    JSON bodies give ``message`` (or ``error``), ``id`` and ``errors``; HTML or empty
    bodies (a proxy's 502 page) give the status line and a short snippet.
    """
    parsed: Any
    try:
        parsed = msgspec.json.decode(body) if body else ""
    except msgspec.DecodeError:
        parsed = body.decode("utf-8", "replace")
    request_id = None
    if isinstance(parsed, dict) and isinstance(parsed.get("id"), str | int):
        request_id = str(parsed["id"])
    request_id = request_id or headers.get("X-Request-Id")
    cls = error_class(status)
    kwargs: dict[str, Any] = {
        "status": status,
        "method": method,
        "url": url,
        "body": parsed,
        "headers": headers,
        "request_id": request_id,
    }
    if status == 429:
        kwargs["retry_after"] = parse_retry_after(headers.get("Retry-After"))
    return cls(_error_message(status, reason, parsed, body), **kwargs)
