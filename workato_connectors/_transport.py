"""The only module that talks aiohttp: send a ``Request``, with the pause gate, the limiter,
the in-flight cap and retries around it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from ._config import RetryPolicy
from ._exceptions import APIConnectionError, APIStatusError, APITimeoutError, WorkatoError
from ._protocol import Request, decode, error_from_response
from ._ratelimit import Limiter, PauseGate
from ._retry import parse_retry_after, rate_limit_pause, retry_delay, should_retry

__all__ = ["Transport"]

T = TypeVar("T")
log = logging.getLogger("workato_connectors")

_MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Transport:
    """Send requests to one base URL, keeping the budget and retrying what may be retried."""

    def __init__(
        self,
        *,
        base_url: str,
        session: aiohttp.ClientSession,
        headers: Mapping[str, str],
        limiter: Limiter,
        gate: PauseGate,
        max_concurrency: int,
        policy: RetryPolicy,
        timeout: aiohttp.ClientTimeout,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = URL(base_url)
        self._session = session
        self._headers = dict(headers)
        self._limiter = limiter
        self._gate = gate
        self._inflight = asyncio.Semaphore(max_concurrency)
        self._policy = policy
        self._timeout = timeout
        self._sleep = sleep
        self._rng = rng
        self._shared_pause = getattr(limiter, "pause", None)

    def url_for(self, request: Request) -> URL:
        """Return the absolute URL of ``request`` (its path is already encoded)."""
        url = URL(str(self.base_url) + request.path, encoded=True)
        return url.with_query(request.params) if request.params else url

    async def send(self, request: Request, model: type[T]) -> T:
        """Send ``request`` and decode its 2xx body into ``model``.

        Raises:
            APIStatusError: a non-2xx answer that is not retried, or retries ran out.
            APIConnectionError: network failure (``APITimeoutError`` for timeouts).
            ResponseDecodeError: a 2xx body that is not the expected JSON.
        """
        url = self.url_for(request)
        retries = rate_limit_retries = 0
        for attempt in itertools.count(1):
            status, body, error = await self._attempt(request.method, url)
            if error is None:
                log.debug("%s %s -> %s (attempt %d)", request.method, request.path, status, attempt)
                return decode(body, model, status=status or 200, url=str(url))
            retry_after = None
            if isinstance(error, APIStatusError):
                retry_after = parse_retry_after(error.headers.get("Retry-After"))
            if status == 429:  # pause everyone, whether or not this request retries
                pause = rate_limit_pause(
                    retry_after, rate_limit_retries=rate_limit_retries, policy=self._policy
                )
                await self.pause(pause)
            retrying = should_retry(
                status, retries=retries, rate_limit_retries=rate_limit_retries, policy=self._policy
            )
            wait = 0.0  # a 429 waits at the pause gate, like every other request
            if retrying and status != 429:
                wait = retry_delay(
                    retries, policy=self._policy, retry_after=retry_after, rng=self._rng
                )
            log.debug(
                "%s %s -> %s (attempt %d, %s)",
                request.method,
                request.path,
                status if status is not None else type(error).__name__,
                attempt,
                f"retrying in {wait:.2f}s" if retrying else "giving up",
            )
            if not retrying:
                raise error
            if status == 429:
                rate_limit_retries += 1
            else:
                retries += 1
                await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def pause(self, seconds: float) -> None:
        """Pause every request of this client (and the shared limiter's users) after a 429."""
        was_open = self._gate.remaining == 0
        in_force = self._gate.trip(seconds)
        # One warning per pause; the 429s of requests already in flight only extend it.
        log.log(
            logging.WARNING if was_open else logging.DEBUG,
            "rate limited (HTTP 429): pausing all requests for %.2fs",
            in_force,
        )
        if self._shared_pause is not None:
            await self._shared_pause(seconds)

    async def _attempt(
        self, method: str, url: URL
    ) -> tuple[int | None, bytes, WorkatoError | None]:
        """Make one metered attempt; return (status, body, error or None)."""
        await self._gate.wait()
        async with self._inflight:
            # The gate may have closed while this attempt queued for a slot.
            await self._gate.wait()
            await self._limiter.acquire()
            try:
                return await self._request(method, url)
            except TimeoutError as exc:
                return None, b"", _connection_error(APITimeoutError, exc, method, url)
            except aiohttp.ClientError as exc:
                return None, b"", _connection_error(APIConnectionError, exc, method, url)

    async def _request(
        self, method: str, url: URL
    ) -> tuple[int | None, bytes, WorkatoError | None]:
        for _ in range(_MAX_REDIRECTS + 1):
            async with self._session.request(
                method, url, headers=self._headers, allow_redirects=False, timeout=self._timeout
            ) as response:
                body = await response.read()
                status = response.status
                if status in _REDIRECTS and "Location" in response.headers:
                    target = url.join(URL(response.headers["Location"]))
                    if target.origin() != self.base_url.origin():
                        # Following would hand the token to another host.
                        return (
                            status,
                            body,
                            APIStatusError(
                                f"redirect to another origin ({target.origin()}) not followed",
                                status=status,
                                method=method,
                                url=str(url),
                                headers=response.headers,
                            ),
                        )
                    url = target
                    continue
                if 200 <= status < 300:
                    return status, body, None
                return (
                    status,
                    body,
                    error_from_response(
                        status=status,
                        reason=response.reason or "",
                        body=body,
                        headers=response.headers,
                        method=method,
                        url=str(url),
                    ),
                )
        return (
            status,
            body,
            error_from_response(
                status=status,
                reason="too many redirects",
                body=b"",
                headers={},
                method=method,
                url=str(url),
            ),
        )


def _connection_error(
    cls: type[APIConnectionError], exc: BaseException, method: str, url: URL
) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__
    kind = "timed out" if cls is APITimeoutError else "failed"
    error = cls(f"{method} {url} {kind}: {detail}", method=method, url=str(url))
    error.__cause__ = exc
    return error
