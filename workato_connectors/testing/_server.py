"""FakeWorkato: a real aiohttp server on loopback that speaks Workato's Connectors API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .._models import Connector
from ._catalog import generate_catalog
from ._endpoints import (
    NameIndex,
    Rejection,
    is_managed_user,
    match_schema_path,
    parse_applications,
    parse_page_query,
)
from ._faults import FaultPlan, SlidingWindow, check_count, check_seconds
from ._record import RecordedRequest
from ._responses import (
    failure_response,
    make_failure,
    malformed,
    not_found,
    ok,
    rejected,
    too_many_requests,
    unauthorized,
)
from ._schemas import input_schema_wire

__all__ = ["FakeWorkato", "RecordedRequest"]


class FakeWorkato:
    """A fake Workato server on loopback for tests, benchmarks and demos.

    It serves the three Connectors endpoints with Workato's semantics: Bearer-token auth,
    ``/api/integrations/all`` pagination (``per_page`` defaults to 1 and is capped at 100),
    ``/api/integrations?applications=a,b`` (query or JSON body) and
    ``/api/v2/managed_users/{id}/connectors/{name}/input_schema`` (numeric Account IDs
    1..10**9 and External IDs ``E...`` exist). Knobs inject latency, a strict rate limit
    and faults; each is consumed in the order auth, rate limit, faults, endpoint.

    Parameters:
        connectors: a catalog size for ``generate_catalog(connectors, seed)``, or the
            connectors to serve.
        seed: seeds the generated catalog and input schemas.
        token: the API token every request must send as ``Authorization: Bearer ...``.
        latency: seconds added before every response (a settable attribute).
        per_page_cap: caps ``per_page`` below Workato's 100 (a settable attribute).
        host, port: where to listen; port 0 picks a free port.

    Attributes:
        catalog: the ``list[Connector]`` served, read on every request; change it freely,
            e.g. append while a client walks the pages.
        requests: a ``RecordedRequest`` per request, in arrival order.
        rate_limited: how many 429 responses were sent (window or injected).
        schemas: input-schema overrides, connector name -> JSON-ready list of fields
            (``SchemaField``s or dicts).

    Subclass to change what the server says: ``page_body`` (one page of the catalog),
    ``input_schema`` and ``managed_user_exists``.

    Example::

        async with FakeWorkato(connectors=1000) as fake:
            fake.set_rate_limit(50, 1.0)
            fake.fail_next(1, 503, retry_after=1)
            async with WorkatoClient(fake.token, base_url=fake.url) as client:
                catalog = await client.all_connectors()
    """

    def __init__(
        self,
        *,
        connectors: int | Sequence[Connector] = 300,
        seed: int = 0,
        token: str = "test-token",
        latency: float = 0.0,
        per_page_cap: int = 100,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an int, got {seed!r}")
        if isinstance(connectors, int) and not isinstance(connectors, bool):
            self.catalog: list[Connector] = generate_catalog(connectors, seed)
        elif isinstance(connectors, Sequence) and not isinstance(connectors, str | bytes):
            self.catalog = list(connectors)
            if not all(isinstance(c, Connector) for c in self.catalog):
                raise ValueError("connectors must be a size (int) or a sequence of Connector")
        else:
            raise ValueError(
                f"connectors must be a size (int) or a sequence of Connector, got {connectors!r}"
            )
        if not isinstance(token, str) or not token or token != token.strip():
            raise ValueError("token must be a non-empty string without surrounding whitespace")
        if not isinstance(host, str) or not host:
            raise ValueError(f"host must be a non-empty string, got {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in 0..65535 (0 picks a free port), got {port!r}")
        self.seed = seed
        self.token = token
        self.latency = latency
        self.per_page_cap = per_page_cap
        self.host = host
        self.port = port
        self.requests: list[RecordedRequest] = []
        self.rate_limited = 0
        self.schemas: dict[str, Any] = {}
        self._faults = FaultPlan()
        self._window: SlidingWindow | None = None
        self._index = NameIndex()
        self._schema_cache: dict[str, Any] = {}
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._url: str | None = None

    # -- settings -------------------------------------------------------------------------

    @property
    def latency(self) -> float:
        """Seconds added before every response (401s and 429s included)."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._latency = check_seconds(seconds, "latency")

    @property
    def per_page_cap(self) -> int:
        """The largest page served: ``per_page`` is capped at ``min(100, per_page_cap)``."""
        return self._per_page_cap

    @per_page_cap.setter
    def per_page_cap(self, cap: int) -> None:
        if check_count(cap, "per_page_cap") < 1:
            raise ValueError(f"per_page_cap must be an int >= 1, got {cap!r}")
        self._per_page_cap = cap

    @property
    def url(self) -> str:
        """Return the base URL, e.g. ``http://127.0.0.1:PORT`` (once started)."""
        if self._url is None:
            raise RuntimeError("FakeWorkato is not running: use 'async with' or 'await start()'")
        return self._url

    # -- knobs ----------------------------------------------------------------------------

    def set_rate_limit(self, requests: int | None, period: float = 60.0) -> None:
        """Enforce a strict sliding window of ``requests`` per ``period`` seconds.

        The window is checked when a request arrives (before ``latency``). A request that
        finds it full gets 429 ``{"message": "Too many requests"}`` with ``Retry-After``:
        the seconds until the oldest accepted request leaves the window, as a decimal
        rounded up to milliseconds (``"0.347"``). Rejected requests do not consume the
        window. ``set_rate_limit(None)`` removes the limit.
        """
        self._window = None if requests is None else SlidingWindow(requests, period)

    def fail_next(
        self,
        n: int,
        status: int,
        *,
        html: bool = False,
        retry_after: float | str | None = None,
    ) -> None:
        """Answer the next ``n`` requests with ``status`` instead of the endpoint's answer.

        The body is JSON ``{"message": ...}`` (a 500 adds ``"id"``), or with ``html=True``
        a proxy's HTML error page. ``retry_after`` (seconds, or a string such as an HTTP
        date) is sent as ``Retry-After``. Calling it again queues another batch.
        """
        failure = make_failure(status, html, retry_after)
        self._faults.fail_next(check_count(n), failure)

    def malformed_next(self, n: int) -> None:
        """Answer the next ``n`` requests with 200 and a truncated, unparseable JSON body."""
        self._faults.malformed_next(check_count(n))

    def drop_next(self, n: int) -> None:
        """Close the connection of the next ``n`` requests without any response.

        Each attempt on the wire counts: recent aiohttp clients silently retry an
        idempotent request once after a disconnect, so use ``drop_next(2)`` to make a
        plain ``aiohttp`` caller see one ``ServerDisconnectedError``.
        """
        self._faults.drop_next(check_count(n))

    def stall_next(self, n: int, seconds: float) -> None:
        """Hang ``seconds`` before answering each of the next ``n`` requests.

        A stall ends early, without a response, when the fake closes.
        """
        self._faults.stall_next(check_count(n), check_seconds(seconds))

    def reset(self) -> None:
        """Clear the request log, ``rate_limited``, armed faults and the rate-limit window.

        Settings stay: latency, ``per_page_cap``, the rate limit itself and the catalog.
        """
        self.requests.clear()
        self.rate_limited = 0
        self._faults.clear()
        if self._window is not None:
            self._window.clear()

    # -- overridable responses ------------------------------------------------------------

    def page_body(self, page: int, per_page: int) -> dict[str, Any]:
        """Return the JSON body of ``/api/integrations/all`` for one page.

        ``per_page`` is the effective (capped) page size. Override it to make a server
        that repeats a page forever or lies about ``count``, e.g.::

            class Repeating(FakeWorkato):
                def page_body(self, page, per_page):
                    return {**super().page_body(1, per_page), "page": page}
        """
        start = (page - 1) * per_page
        return {
            "items": self.catalog[start : start + per_page],
            "count": len(self.catalog),
            "page": page,
            "per_page": per_page,
        }

    def input_schema(self, managed_user_id: str, connector_name: str) -> Any:
        """Return the ``result`` list for a known user and connector (JSON-ready).

        ``schemas`` overrides win; otherwise the schema of ``generate_input_schema``.
        """
        if connector_name in self.schemas:
            return self.schemas[connector_name]
        schema = self._schema_cache.get(connector_name)
        if schema is None:
            schema = self._schema_cache[connector_name] = input_schema_wire(
                connector_name, self.seed
            )
        return schema

    def managed_user_exists(self, managed_user_id: str) -> bool:
        """Return whether ``managed_user_id`` (percent-decoded) names a managed user.

        Numeric Account IDs 1..10**9 and External IDs (``E`` + anything) exist.
        """
        return is_managed_user(managed_user_id)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving; ``url`` is valid afterwards.

        Raises:
            RuntimeError: it is already running.
        """
        if self._runner is not None:
            raise RuntimeError("FakeWorkato is already running")
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Stalls end as soon as we close, so a short shutdown timeout is only a backstop.
        # A client that goes away ends its request's wait at once: no server task
        # outlives the client's request (tests of the client count the loop's tasks).
        runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._closing = asyncio.Event()
        host, port = runner.addresses[0][:2]
        self._url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop serving, ending stalls and latency waits at once; safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing.set()
        self._url = None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        where = self._url or "not running"
        return f"<FakeWorkato {where} connectors={len(self.catalog)}>"

    # -- request handling -----------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        path = request.raw_path.partition("?")[0]
        record = RecordedRequest(
            request.method, path, dict(request.query), dict(request.headers), now
        )
        self.requests.append(record)
        try:
            response = await self._respond(request, path, now)
        finally:
            record.finished = time.monotonic()
        if response is None:
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never sent: the transport is closed
        record.status = response.status
        return response

    async def _respond(self, request: web.Request, path: str, now: float) -> web.Response | None:
        """Return the response, or ``None`` to drop the connection."""
        early: web.Response | None = None
        fault = None
        if not self._bearer_matches(request.headers.get("Authorization", "")):
            early = unauthorized()
        elif self._window is not None and (wait := self._window.admit(now)) is not None:
            self.rate_limited += 1
            early = too_many_requests(wait)
        else:
            fault = self._faults.take()
        delay = self._latency + (fault.stall if fault is not None else 0.0)
        if delay > 0 and not await self._wait(delay):
            return None
        if early is not None:
            return early
        if fault is not None and fault.drop:
            return None
        if fault is not None and fault.failure is not None:
            if fault.failure.status == 429:
                self.rate_limited += 1
            return failure_response(fault.failure)
        response = await self._endpoint(request, path)
        if fault is not None and fault.malformed:
            return malformed(response)
        return response

    def _bearer_matches(self, authorization: str) -> bool:
        # The scheme is case-insensitive (RFC 9110); the token is not.
        scheme, _, credentials = authorization.partition(" ")
        return scheme.lower() == "bearer" and credentials.strip() == self.token

    async def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; return ``False`` at once if the fake is closing."""
        try:
            async with asyncio.timeout(seconds):
                await self._closing.wait()
        except TimeoutError:
            return True
        return False

    async def _endpoint(self, request: web.Request, path: str) -> web.Response:
        if request.method != "GET":
            return not_found()
        if path == "/api/integrations/all":
            parsed = parse_page_query(request.query, self._per_page_cap)
            if isinstance(parsed, Rejection):
                return rejected(parsed)
            return ok(self.page_body(*parsed))
        if path == "/api/integrations":
            body = await request.read() if request.can_read_body else b""
            names = parse_applications(request.query.get("applications"), body)
            if isinstance(names, Rejection):
                return rejected(names)
            found = (self._index.find(self.catalog, name) for name in names)
            items = [connector for connector in found if connector is not None]
            return ok({"items": items})
        if (match := match_schema_path(path)) is not None:
            return self._input_schema(*match)
        return not_found()

    def _input_schema(self, managed_user_id: str, connector_name: str) -> web.Response:
        if not self.managed_user_exists(managed_user_id):
            return not_found("Managed user not found")
        if self._index.find(self.catalog, connector_name) is None:
            return not_found("Connector not found")
        result = self.input_schema(managed_user_id, connector_name)
        return ok({"result": result})
