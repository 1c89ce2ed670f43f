"""Client-side rate limiting: the budget, the limiter protocol and the 429 pause gate."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aiolimiter import AsyncLimiter

__all__ = ["Limiter", "PauseGate", "RateLimit"]

#: Share of the budget kept in reserve by default ...
SAFETY_SHARE = 0.03
#: ... or the requests sent during this many seconds, if more: requests reach the
#: server a few milliseconds after they leave, so a window there can catch a few more.
SAFETY_SECONDS = 0.05


@runtime_checkable
class Limiter(Protocol):
    """What ``WorkatoClient(limiter=...)`` accepts: any object with ``async acquire()``.

    It may also define ``async pause(seconds)``; the client calls it on a 429 so that every
    user of the limiter (other clients, other processes) waits too.
    """

    async def acquire(self) -> None:
        """Wait until one more request may leave."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A request budget: at most ``requests`` requests in any window of ``period`` seconds.

    The guarantee holds everywhere in a run, the first window included: the limiter lets
    ``burst`` requests go at once and then drips the rest at a steady rate, such that
    ``burst + rate * period`` stays below ``requests`` with a small safety margin (3 % of
    the budget, or 50 ms worth of requests if more), which absorbs network jitter
    between client and server.

    Example::

        RateLimit(1000, 60.0)   # Workato's default budget
        RateLimit(60, 60.0)     # Developer API accounts
    """

    requests: int
    period: float = 60.0
    burst: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.requests, bool) or not isinstance(self.requests, int):
            raise ValueError(f"RateLimit requests must be an int >= 1, got {self.requests!r}")
        if self.requests < 1:
            raise ValueError(f"RateLimit requests must be >= 1, got {self.requests}")
        if not isinstance(self.period, int | float) or not self.period > 0:
            raise ValueError(
                f"RateLimit period must be a number of seconds > 0, got {self.period!r}"
            )
        if self.burst is not None and not 1 <= self.burst <= self.requests:
            raise ValueError(
                f"RateLimit burst must be between 1 and requests ({self.requests}), "
                f"got {self.burst!r}"
            )

    @property
    def effective_burst(self) -> int:
        """Return how many requests may leave at once."""
        if self.burst is not None:
            return self.burst
        return max(1, min(10, self.requests // 25))

    @property
    def rate(self) -> float:
        """Return the steady rate in requests per second after the burst."""
        burst = self.effective_burst
        per_second = self.requests / self.period
        margin = max(SAFETY_SHARE * self.requests, SAFETY_SECONDS * per_second)
        usable = self.requests - margin - burst
        if usable > 0:
            return usable / self.period
        # No room for a margin (a tiny budget, or a burst of nearly all of it): a window
        # then holds at most burst + rate * period requests, and counts are whole, so
        # keeping that below requests + 1 still lets no more than `requests` through.
        return 0.9 * (self.requests + 1 - burst) / self.period

    def limiter(self) -> AsyncLimiter:
        """Return a fresh in-process limiter keeping this budget (call inside a loop)."""
        burst = self.effective_burst
        return AsyncLimiter(burst, burst / self.rate)


class PauseGate:
    """A client-wide pause: after a 429 every request waits until the deadline.

    Concurrent trips extend the pause to the latest deadline; they do not add up.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        jitter: float = 0.1,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._clock = clock
        self._jitter = jitter
        self._rng = rng
        self._deadline = 0.0

    @property
    def remaining(self) -> float:
        """Return the seconds left in the current pause (0 when open)."""
        return max(0.0, self._deadline - self._clock())

    def trip(self, seconds: float) -> float:
        """Pause every request for ``seconds`` plus a little upward jitter.

        Returns the length of the pause now in force.
        """
        wanted = self._clock() + seconds * (1.0 + self._jitter * self._rng())
        self._deadline = max(self._deadline, wanted)
        return self.remaining

    async def wait(self) -> None:
        """Return once no pause is in force."""
        # A loop, not an Event: another 429 may push the deadline out while we sleep.
        while (left := self.remaining) > 0:  # noqa: ASYNC110
            await asyncio.sleep(left)
