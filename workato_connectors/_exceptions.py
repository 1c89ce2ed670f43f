"""The exception hierarchy.

::

    WorkatoError
    ├── ConfigurationError          bad or missing settings
    ├── APIConnectionError          network failure after retries
    │   └── APITimeoutError
    ├── ResponseDecodeError         2xx whose body is not the JSON we expect (keeps a snippet)
    └── APIStatusError              .status, .message, .body, .headers, .method, .url
        ├── BadRequestError         400
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── RateLimitError          429  (.retry_after)
        └── ServerError             5xx

No exception ever carries the API token: URLs are the public request URL and headers
are the response's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodeError",
    "ServerError",
    "WorkatoError",
]


class WorkatoError(Exception):
    """Base class of every error this SDK raises (besides ``ValueError`` for bad input)."""


class ConfigurationError(WorkatoError):
    """A missing or invalid setting (token, data center, base URL, session...)."""


class APIConnectionError(WorkatoError):
    """The request could not be completed over the network, even after retries."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request timed out, even after retries."""


class ResponseDecodeError(WorkatoError):
    """A successful response whose body is not the JSON the endpoint promises."""

    def __init__(self, message: str, *, status: int, snippet: str, url: str = "") -> None:
        super().__init__(f"{message} (HTTP {status}, body starts: {snippet!r})")
        self.message = message
        self.status = status
        self.snippet = snippet
        self.url = url


class APIStatusError(WorkatoError):
    """Workato (or a proxy in front of it) answered with a non-2xx status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        request_id: str | None = None,
    ) -> None:
        suffix = f" [request id {request_id}]" if request_id else ""
        super().__init__(f"{method} {url} -> HTTP {status}: {message}{suffix}")
        self.message = message
        self.status = status
        self.method = method
        self.url = url
        self.body = body
        self.headers: Mapping[str, str] = dict(headers or {})
        self.request_id = request_id


class BadRequestError(APIStatusError):
    """HTTP 400: Workato rejected the request (``.body`` may hold ``errors``)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API token is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the token may not use this endpoint or resource."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such managed user or connector."""


class RateLimitError(APIStatusError):
    """HTTP 429: the rate limit was exceeded and retries ran out."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx: Workato or a proxy in front of it failed."""


STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class(status: int) -> type[APIStatusError]:
    """Return the exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return STATUS_ERRORS.get(status, APIStatusError)
