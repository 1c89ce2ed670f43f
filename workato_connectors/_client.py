"""``WorkatoClient``: the ergonomic, async API over the transport."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Iterable, Mapping
from types import TracebackType
from typing import Self

import aiohttp

from ._bulk import fetch_input_schemas
from ._config import (
    BASE_URL_ENV,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_CONCURRENCY,
    DEFAULT_TIMEOUT,
    MAX_PER_PAGE,
    RATE_LIMIT_RETRY_FACTOR,
    TOKEN_ENV,
    USER_AGENT,
    RetryPolicy,
)
from ._exceptions import ConfigurationError
from ._models import (
    Connector,
    ConnectorPage,
    SchemaField,
    SchemaResult,
    _ItemsEnvelope,
    _SchemaEnvelope,
)
from ._pagination import ConnectorPager
from ._protocol import (
    input_schema_request,
    list_connectors_request,
    page_request,
    resolve_base_url,
)
from ._ratelimit import Limiter, PauseGate, RateLimit
from ._transport import Transport

__all__ = ["WorkatoClient"]


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{what} must be an int >= 1, got {value!r}")
    return value


def _timeout(value: float | aiohttp.ClientTimeout | None) -> aiohttp.ClientTimeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, aiohttp.ClientTimeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(
            f"timeout must be a number of seconds > 0 or an aiohttp.ClientTimeout, got {value!r}"
        )
    return aiohttp.ClientTimeout(
        total=float(value), sock_connect=min(10.0, float(value)), sock_read=float(value)
    )


class WorkatoClient:
    """An async client for Workato's Connectors API.

    Parameters:
        token: the API token; falls back to ``$WORKATO_API_TOKEN``.
        base_url: the API host (wins over ``data_center``; falls back to
            ``$WORKATO_BASE_URL``), for private deployments and tests.
        data_center: ``us`` (default), ``eu``, ``jp``, ``sg``, ``au``, ``il`` or ``trial``.
        rate_limit: the client-side budget (default 1,000 requests per 60 s).
        limiter: any object with ``async acquire()`` (and optionally ``async pause(s)``)
            to share one budget between clients or processes; wins over ``rate_limit``.
        max_concurrency: the most requests in flight at once (default 16).
        max_retries: retries of 5xx, 408, connection errors and timeouts (default 3).
        max_rate_limit_retries: retries of 429s (default three times ``max_retries``).
        timeout: seconds or an ``aiohttp.ClientTimeout`` (default 60 s total, 30 s per read).
        session: your own ``aiohttp.ClientSession``; the client never closes it.
        headers: extra headers sent with every request.

    Raises:
        ConfigurationError: a missing token, an unknown data center, a malformed base URL,
            a closed session or another invalid setting.

    Example::

        async with WorkatoClient() as client:
            catalog = await client.all_connectors()
            fields = await client.get_input_schema(97, "jms")
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        data_center: str = "us",
        rate_limit: RateLimit | None = None,
        limiter: Limiter | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_retries: int | None = None,
        timeout: float | aiohttp.ClientTimeout | None = None,
        session: aiohttp.ClientSession | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        if not token or not isinstance(token, str):
            raise ConfigurationError(
                f"no API token: pass WorkatoClient(token=...) or set ${TOKEN_ENV} "
                "(create one under Workspace admin > API clients)"
            )
        self._token = token
        self.base_url = resolve_base_url(
            base_url if base_url is not None else os.environ.get(BASE_URL_ENV), data_center
        )
        if limiter is not None and not callable(getattr(limiter, "acquire", None)):
            raise ConfigurationError(
                f"limiter must have an async acquire() method, got {limiter!r}"
            )
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise ConfigurationError(f"rate_limit must be a RateLimit, got {rate_limit!r}")
        if session is not None and session.closed:
            raise ConfigurationError("the aiohttp.ClientSession passed as session= is closed")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(f"max_retries must be an int >= 0, got {max_retries!r}")
        if max_rate_limit_retries is None:
            max_rate_limit_retries = RATE_LIMIT_RETRY_FACTOR * max_retries
        elif (
            isinstance(max_rate_limit_retries, bool)
            or not isinstance(max_rate_limit_retries, int)
            or max_rate_limit_retries < 0
        ):
            raise ConfigurationError(
                f"max_rate_limit_retries must be an int >= 0, got {max_rate_limit_retries!r}"
            )
        self._max_concurrency = _positive_int(max_concurrency, "max_concurrency")
        self._policy = RetryPolicy(
            max_retries=max_retries, max_rate_limit_retries=max_rate_limit_retries
        )
        self._timeout = _timeout(timeout)
        self._rate_limit = rate_limit or RateLimit(1000, 60.0)
        self._limiter = limiter
        self._session = session
        self._owns_session = session is None
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **(headers or {}),
            "Authorization": f"Bearer {token}",
        }
        self._transport: Transport | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"WorkatoClient(base_url={self.base_url!r}, token='***')"

    async def __aenter__(self) -> Self:
        self._get_transport()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the client and the session it created (never a session you passed in)."""
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()

    @property
    def closed(self) -> bool:
        """Return whether ``close()`` was called."""
        return self._closed

    def _get_transport(self) -> Transport:
        if self._closed:
            raise ConfigurationError("this WorkatoClient is closed; create a new one")
        if self._transport is None:
            # Created on first use, inside the running loop (aiohttp and the limiter need one).
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    timeout=self._timeout,
                    connector=aiohttp.TCPConnector(limit=self._max_concurrency),
                )
                # aiohttp silently re-sends an idempotent request once when a reused
                # connection drops; that resend would bypass the limiter and the retry
                # policy, so our own retry loop (metered, with backoff) does it instead.
                self._session._retry_connection = False
            elif self._session.closed:
                raise ConfigurationError("the aiohttp.ClientSession passed as session= is closed")
            self._transport = Transport(
                base_url=self.base_url,
                session=self._session,
                headers=self._headers,
                limiter=self._limiter or self._rate_limit.limiter(),
                gate=PauseGate(jitter=self._policy.rate_limit_jitter),
                max_concurrency=self._max_concurrency,
                policy=self._policy,
                timeout=self._timeout,
            )
        return self._transport

    async def list_connectors(self, applications: str | Iterable[str]) -> list[Connector]:
        """Return the named connectors (``GET /api/integrations``).

        Parameters:
            applications: connector names, or one comma-separated string.

        Raises:
            ValueError: no names, or an empty or malformed name (before any request).
        """
        request = list_connectors_request(applications)
        return (await self._get_transport().send(request, _ItemsEnvelope)).items

    async def get_connectors_page(
        self, page: int = 1, per_page: int = MAX_PER_PAGE
    ) -> ConnectorPage:
        """Return one raw page of ``/api/integrations/all``.

        Raises:
            ValueError: ``page`` < 1 or ``per_page`` outside 1..100.
        """
        return await self._get_transport().send(page_request(page, per_page), ConnectorPage)

    def all_connectors(
        self, per_page: int = MAX_PER_PAGE, concurrency: int | None = None
    ) -> ConnectorPager:
        """Walk every page of the catalog: ``await`` it, ``async for`` it, or use ``.pages()``.

        Pages after the first are fetched concurrently (``concurrency``, default 8) and
        yielded in catalog order; each connector name is yielded once.

        Example::

            async for connector in client.all_connectors():
                print(connector.name, len(connector.actions))
        """
        page_request(1, per_page)  # validate now, not at first iteration
        return ConnectorPager(
            self.get_connectors_page,
            per_page=per_page,
            concurrency=_positive_int(
                DEFAULT_PAGE_CONCURRENCY if concurrency is None else concurrency, "concurrency"
            ),
        )

    async def get_input_schema(
        self, managed_user_id: int | str, connector_name: str
    ) -> list[SchemaField]:
        """Return a connector's base input schema for a managed user.

        Parameters:
            managed_user_id: an Embedded customer account id (``97``) or an External ID
                (``external_id("A2300")``); encoded as one path segment.
            connector_name: e.g. ``"jms"``.

        Raises:
            ValueError: an empty or malformed id or name (before any request).
            NotFoundError: no such managed user or connector.
        """
        request = input_schema_request(managed_user_id, connector_name)
        return (await self._get_transport().send(request, _SchemaEnvelope)).result

    def input_schemas(
        self,
        pairs: Iterable[tuple[int | str, str]],
        concurrency: int | None = None,
    ) -> AsyncGenerator[SchemaResult, None]:
        """Fetch many input schemas concurrently, yielding each ``SchemaResult`` as it completes.

        One failing pair carries its error in its result and does not stop the others.
        ``pairs`` is consumed lazily, so it may be a generator of millions.

        Raises:
            ValueError: (while iterating) a pair that is not ``(managed_user_id, name)``
                or holds a malformed id or name.
        """
        return fetch_input_schemas(
            self.get_input_schema,
            pairs,
            concurrency=_positive_int(
                DEFAULT_PAGE_CONCURRENCY if concurrency is None else concurrency, "concurrency"
            ),
        )
