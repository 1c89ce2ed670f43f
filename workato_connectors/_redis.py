"""A rate budget and a 429 pause shared by every process that uses one Redis key.

Algorithm: GCRA (the generic cell rate algorithm) run as one short Lua script, with the
burst and drip rate of :class:`~workato_connectors.RateLimit`. Each ``acquire()`` reserves
the next free slot in one round trip and sleeps until it: no polling. Time comes only from
the Redis server (``TIME``, ``PTTL``), so clock skew between hosts cannot break the budget.

Why not the ``limits`` package: measured with 3 processes x 8 tasks against a budget of
40 requests per 1 s (``limits`` 5.8, redis-py bridge), its moving window let 46-47 requests
into some 1 s window with clocks in sync (it releases the whole budget as one burst, and a
burst that leaves a few ms late lands on top of the next one), and 76 with one host 0.3 s
ahead (it stamps entries with each client's own clock). Its sliding-window counter reads
time from key TTLs on the server, but approximates the window by design (it assumes the
previous window's requests were spread evenly), reached only 77 % of the budget and,
having no reset time to sleep to, polled Redis ~740 times a second. The script below
kept 38 per window (the in-process margin) at 92 % of the budget under the same load,
and skew cannot matter since it reads no client clock. With 3 CPU hogs on top (2 cores),
it kept at most 40 per window (81-92 % of the budget) because each limiter holds only
one reservation at a time; letting every task hold one let a CPU-starved process wake
with a backlog of late slots and send them at once (up to 49 per window).

Redis 5 or newer is required (``TIME`` inside a script that writes).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from types import TracebackType
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

from aiolimiter import AsyncLimiter

from ._exceptions import APIConnectionError, ConfigurationError
from ._ratelimit import PauseGate, RateLimit

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

__all__ = ["RedisLimiter"]

logger = logging.getLogger("workato_connectors.redis")

OnUnavailable = Literal["raise", "local"]

# KEYS[1]: theoretical arrival time of the next request (microseconds, server clock);
# KEYS[2]: the shared 429 pause (its TTL is the time left).
# ARGV[1]: microseconds between requests; ARGV[2]: burst tolerance in microseconds.
# Returns {1, us} while a pause is in force (nothing reserved), else {0, us until the slot}.
RESERVE_SCRIPT = """
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {1, paused * 1000} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now)
local next_tat = tat + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX',
    math.ceil((next_tat - now) / 1000))
return {0, math.max(0, tat - tonumber(ARGV[2]) - now)}
"""

# KEYS[1]: the shared pause; ARGV[1]: its length in ms. Extends to the later deadline,
# never shortens and never adds up. Returns the ms now left.
PAUSE_SCRIPT = """
local left = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if wanted > left then
    redis.call('SET', KEYS[1], '1', 'PX', wanted)
    return wanted
end
return left
"""

SCHEMES = ("redis", "rediss", "unix")
#: Longest single sleep while a pause is in force; the pause is read again after it.
MAX_PAUSE_SLEEP = 5.0
#: Upper bound of the random delay added when a pause ends, so waiters do not wake at once.
WAKE_JITTER = 0.05


def gcra_parameters(rate_limit: RateLimit) -> tuple[int, int]:
    """Return ``(interval, tolerance)`` in microseconds for a budget.

    A GCRA with emission interval ``T`` and tolerance ``(burst - 1) * T`` lets at most
    ``burst + period / T`` requests into any window of ``period``: the same arithmetic
    (burst, then a steady drip with a safety margin) as the in-process limiter. A burst
    so large that no drip fits beside it slows the drip until ``burst + period / T`` fits
    in ``requests``.
    """
    burst = rate_limit.effective_burst
    period = rate_limit.period * 1_000_000
    interval = max(
        math.ceil(1_000_000 / rate_limit.rate),
        math.floor(period / (rate_limit.requests - burst + 1)) + 1,
    )
    return interval, (burst - 1) * interval


def describe_url(url: str) -> tuple[str, str]:
    """Return ``(where, safe_url)``: host:port (or socket path) and the URL without secrets.

    Raises:
        ConfigurationError: the URL is not a ``redis://``, ``rediss://`` or ``unix://`` URL.
    """
    if not isinstance(url, str):
        raise ConfigurationError(f"RedisLimiter url must be a str, got {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ConfigurationError(
            "RedisLimiter url must start with redis://, rediss:// or unix:// "
            f"(e.g. redis://localhost:6379/0), got scheme {parts.scheme!r}"
        )
    if parts.scheme == "unix":
        return f"unix:{parts.path}", f"unix://{parts.path}"
    try:
        port = parts.port or 6379
    except ValueError as exc:
        raise ConfigurationError(f"RedisLimiter url has an invalid port: {exc}") from None
    host = parts.hostname or "localhost"
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return where, f"{parts.scheme}://{where}{parts.path}"


class RedisLimiter:
    """Share one request budget, and the 429 pause, through a Redis server.

    Every process and machine that uses the same Redis ``url`` and ``key`` draws from one
    budget with the in-process guarantee: no window of ``rate_limit.period`` seconds sees
    more than ``rate_limit.requests`` requests, counted across all of them. A 429 seen by
    one of them (``pause()``) makes all of them wait. All users of a key must pass the
    same ``rate_limit``.

    Parameters:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://...`` or
            ``unix:///path/to.sock``. The password never appears in ``repr()``, logs or errors.
        key: Name of the shared budget. Redis keys ``{KEY}:tat`` and ``{KEY}:pause``
            are used (the braces make a Redis Cluster hash tag); both expire when idle.
        rate_limit: The budget shared by all users of ``key``.
        on_unavailable: What ``acquire()`` does when Redis cannot be reached. ``"raise"``
            (the default, fail closed): raise :class:`APIConnectionError` naming host:port.
            ``"local"``: log a warning and keep going on an in-process budget
            (``local_rate_limit``), trying Redis again every ``recheck_interval`` seconds.
        local_rate_limit: The in-process budget used while Redis is unreachable under
            ``"local"``; defaults to ``rate_limit``. Each process gets all of it, so pass
            the budget divided by the number of workers to keep the guarantee in an outage.
        timeout: Seconds allowed to connect to Redis and for each command.
        recheck_interval: Seconds between attempts to reach Redis again under ``"local"``.

    Raises:
        ConfigurationError: a malformed URL or setting, or the ``redis`` package is missing.

    Example::

        async with RedisLimiter("redis://redis.internal:6379/0", key="acme-prod") as limiter:
            async with WorkatoClient(limiter=limiter) as client:
                ...
    """

    def __init__(
        self,
        url: str,
        *,
        key: str = "workato-connectors",
        rate_limit: RateLimit = RateLimit(1000, 60.0),  # noqa: B008 - frozen, so shared safely
        on_unavailable: OnUnavailable = "raise",
        local_rate_limit: RateLimit | None = None,
        timeout: float = 2.0,
        recheck_interval: float = 10.0,
    ) -> None:
        self._where, self._safe_url = describe_url(url)
        if not isinstance(key, str) or not key:
            raise ConfigurationError(f"RedisLimiter key must be a non-empty str, got {key!r}")
        for name, value in (("rate_limit", rate_limit), ("local_rate_limit", local_rate_limit)):
            if value is not None and not isinstance(value, RateLimit):
                raise ConfigurationError(
                    f"RedisLimiter {name} must be a RateLimit, got {type(value).__name__}"
                )
        if on_unavailable not in ("raise", "local"):
            raise ConfigurationError(
                f"RedisLimiter on_unavailable must be 'raise' or 'local', got {on_unavailable!r}"
            )
        for name, number in (("timeout", timeout), ("recheck_interval", recheck_interval)):
            if isinstance(number, bool) or not isinstance(number, int | float) or number <= 0:
                raise ConfigurationError(f"RedisLimiter {name} must be seconds > 0, got {number!r}")
        try:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigurationError(
                "RedisLimiter needs the redis package: pip install 'workato-connectors[redis]'"
            ) from exc
        self.key = key
        self.rate_limit = rate_limit
        self.on_unavailable: OnUnavailable = on_unavailable
        self.local_rate_limit = local_rate_limit or rate_limit
        self.recheck_interval = float(recheck_interval)
        self._interval, self._tolerance = gcra_parameters(rate_limit)
        # Hash tags keep both keys on one Redis Cluster slot, as a script requires.
        self._keys = [f"{{{key}}}:tat", f"{{{key}}}:pause"]
        password = urlsplit(url).password or ""
        self._secrets = [s for s in {password, unquote(password)} if len(s) >= 3]
        try:
            # No retries inside redis-py: an unreachable server must fail within `timeout`.
            self._redis: Redis = Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )
        except ValueError as exc:
            raise ConfigurationError(f"RedisLimiter url is invalid: {self._scrub(exc)}") from None
        self._reserve: AsyncScript = self._redis.register_script(RESERVE_SCRIPT)
        self._pause: AsyncScript = self._redis.register_script(PAUSE_SCRIPT)
        self._gate = PauseGate(jitter=0.0)
        # One reservation in flight per limiter: a process starved of CPU then wakes late
        # with one slot, not with a backlog of them that would land at once.
        self._turn = asyncio.Lock()
        self._local: AsyncLimiter | None = None
        self._local_until: float | None = None  # loop time; set while on the local budget

    def __repr__(self) -> str:
        return (
            f"RedisLimiter({self._safe_url!r}, key={self.key!r}, rate_limit={self.rate_limit!r}, "
            f"on_unavailable={self.on_unavailable!r})"
        )

    async def __aenter__(self) -> RedisLimiter:
        """Connect to Redis now, so a bad URL or an unreachable server shows up at once."""
        await self.check()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()

    async def check(self) -> bool:
        """Ping Redis; return whether the shared budget is in use (``False``: local fallback).

        Raises:
            APIConnectionError: Redis is unreachable and ``on_unavailable`` is ``"raise"``.
            ConfigurationError: Redis refused the credentials or the commands.
        """
        try:
            await self._redis.ping()
        except Exception as exc:
            self._unavailable(exc)
            return False
        self._recovered()
        return True

    async def acquire(self) -> None:
        """Wait until one more request may leave, counted against the shared budget.

        Waits for a shared pause in force first. Never polls: one round trip reserves a
        slot, then it sleeps until that slot (and reads the pause once more after the sleep).
        Each limiter holds one reservation at a time; its other callers queue in process.

        Raises:
            APIConnectionError: Redis is unreachable and ``on_unavailable`` is ``"raise"``.
            ConfigurationError: Redis refused the credentials or the commands.
        """
        loop = asyncio.get_running_loop()
        while True:
            await self._gate.wait()
            if self._local_until is not None:
                if loop.time() < self._local_until:
                    await self._local_limiter().acquire()
                    return
                # This call tries Redis again; concurrent ones stay local meanwhile.
                self._local_until = loop.time() + self.recheck_interval
            try:
                async with self._turn:
                    paused = await self._take_slot()
            except Exception as exc:
                self._unavailable(exc)
                continue
            if paused is None:
                return
            await self._sleep_pause(paused)

    async def _take_slot(self) -> float | None:
        """Reserve the next slot and sleep to it; return ``None``, or the pause in force."""
        paused, micros = await self._reserve(keys=self._keys, args=self._args())
        if paused:
            return float(micros / 1e6)
        self._recovered()
        if micros <= 0:
            return None
        # The slot is ours: sleep to it exactly (no jitter), then make sure no 429 paused
        # everyone meanwhile; if one did, the slot is given up (unused budget is safe).
        await asyncio.sleep(micros / 1e6)
        left: int = await self._redis.pttl(self._keys[1])
        return left / 1000 if left > 0 else None

    async def pause(self, seconds: float) -> None:
        """Make every user of this budget wait ``seconds`` from now (after a 429).

        Concurrent pauses extend to the latest deadline; they do not add up.

        Raises:
            ValueError: ``seconds`` is negative or not a finite number.
            APIConnectionError: Redis is unreachable and ``on_unavailable`` is ``"raise"``.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"pause seconds must be a number, got {seconds!r}")
        if not 0 <= seconds < math.inf:
            raise ValueError(f"pause seconds must be finite and >= 0, got {seconds!r}")
        millis = math.ceil(seconds * 1000)
        if millis == 0:
            return
        self._gate.trip(seconds)  # this process waits even if Redis cannot be told
        try:
            await self._pause(keys=self._keys[1:], args=[millis])
        except Exception as exc:
            self._unavailable(exc)

    async def remaining_pause(self) -> float:
        """Return the seconds left in the shared pause (0 when none is in force).

        Under the local fallback, the pause of this process.
        """
        try:
            left: int = await self._redis.pttl(self._keys[1])
        except Exception as exc:
            self._unavailable(exc)
            return self._gate.remaining
        return max(0.0, left / 1000, self._gate.remaining)

    def _args(self) -> list[int]:
        return [self._interval, self._tolerance]

    async def _sleep_pause(self, seconds: float) -> None:
        bounded = min(seconds, MAX_PAUSE_SLEEP)
        await asyncio.sleep(bounded + random.uniform(0.0, min(WAKE_JITTER, 0.1 * bounded)))

    def _local_limiter(self) -> AsyncLimiter:
        if self._local is None:
            self._local = self.local_rate_limit.limiter()
        return self._local

    def _scrub(self, exc: BaseException | str) -> str:
        text = str(exc)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _recovered(self) -> None:
        if self._local_until is not None:
            self._local_until = None
            logger.info("Redis at %s is reachable again; sharing the budget", self._where)

    def _unavailable(self, exc: Exception) -> None:
        """Raise the SDK's error for a Redis failure, or switch to the local budget."""
        from redis import exceptions as errors

        detail = f"{type(exc).__name__}: {self._scrub(exc)}"
        if isinstance(exc, errors.AuthenticationError | errors.AuthorizationError):
            raise ConfigurationError(
                f"Redis at {self._where} refused the credentials in the URL ({detail})"
            ) from exc
        reachability = (errors.ConnectionError, errors.TimeoutError, OSError, asyncio.TimeoutError)
        if not isinstance(exc, reachability):
            if isinstance(exc, errors.RedisError):
                raise ConfigurationError(
                    f"Redis at {self._where} rejected the rate-limit commands ({detail})"
                ) from exc
            raise exc
        if self.on_unavailable == "raise":
            raise APIConnectionError(
                f"Redis at {self._where} is unreachable ({detail}); the shared rate limit "
                "cannot be kept. Pass on_unavailable='local' to fall back to an in-process "
                "budget instead."
            ) from exc
        loop = asyncio.get_running_loop()
        if self._local_until is None:
            budget = self.local_rate_limit
            logger.warning(
                "Redis at %s is unreachable (%s); using an in-process budget of %d requests "
                "per %gs in this process, retrying Redis every %gs",
                self._where,
                detail,
                budget.requests,
                budget.period,
                self.recheck_interval,
            )
        self._local_until = loop.time() + self.recheck_interval
