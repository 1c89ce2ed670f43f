"""The fake server's responses, free of state: JSON answers, Workato's errors, injected faults."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from ._endpoints import Rejection
from ._faults import (
    Failure,
    error_body,
    format_retry_after,
    html_page,
    retry_after_header,
    truncate,
)

__all__ = [
    "failure_response",
    "json_response",
    "make_failure",
    "malformed",
    "not_found",
    "ok",
    "rejected",
    "too_many_requests",
    "unauthorized",
]


def json_response(status: int, body: bytes, headers: dict[str, str] | None = None) -> web.Response:
    """Return a response of ``status`` with an encoded JSON ``body``."""
    return web.Response(status=status, body=body, content_type="application/json", headers=headers)


def ok(value: Any) -> web.Response:
    """Return a 200 with ``value`` encoded as JSON."""
    return json_response(200, msgspec.json.encode(value))


def unauthorized() -> web.Response:
    """Return the 401 of a missing or wrong token."""
    return json_response(401, error_body(401, "Unauthorized"))


def not_found(message: str = "Not found") -> web.Response:
    """Return a 404 saying what was not found."""
    return json_response(404, error_body(404, message))


def rejected(rejection: Rejection) -> web.Response:
    """Return the 400 of a validation error."""
    return json_response(400, msgspec.json.encode(rejection))


def too_many_requests(wait: float) -> web.Response:
    """Return the rate-limit window's 429, telling the client to retry in ``wait`` seconds."""
    return json_response(429, error_body(429), {"Retry-After": format_retry_after(wait)})


def make_failure(status: int, html: bool, retry_after: float | str | None) -> Failure:
    """Return the injected error that ``FakeWorkato.fail_next`` arms, checking its arguments.

    Raises:
        ValueError: ``status`` is not an int in 400..599, or ``retry_after`` is neither
            seconds >= 0 nor a one-line string.
    """
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"status must be an int in 400..599, got {status!r}")
    header = None if retry_after is None else retry_after_header(retry_after)
    return Failure(status, bool(html), header)


def failure_response(failure: Failure) -> web.Response:
    """Return an injected error: Workato's JSON, or a proxy's HTML page."""
    headers = {} if failure.retry_after is None else {"Retry-After": failure.retry_after}
    if failure.html:
        return web.Response(
            status=failure.status,
            body=html_page(failure.status),
            headers=headers,
            content_type="text/html",
        )
    return json_response(failure.status, error_body(failure.status), headers)


def malformed(response: web.Response) -> web.Response:
    """Return a 200 whose body is ``response``'s JSON cut short, so that no parser accepts it."""
    assert isinstance(response.body, bytes)
    return json_response(200, truncate(response.body))
