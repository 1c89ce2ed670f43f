"""Fault-injection state of the fake server, free of I/O: the rate-limit window and armed faults.

Time is always passed in (``now``), so everything here is tested without a clock or socket.
"""

from __future__ import annotations

import math
import uuid
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Generic, TypeVar

import msgspec

__all__ = [
    "Failure",
    "Fault",
    "FaultPlan",
    "SlidingWindow",
    "check_count",
    "check_seconds",
    "error_body",
    "format_retry_after",
    "html_page",
    "retry_after_header",
    "truncate",
]

T = TypeVar("T")


def check_count(n: object, what: str = "n") -> int:
    """Return ``n`` if it is an int ``>= 0``, else raise ``ValueError``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"{what} must be an int >= 0, got {n!r}")
    return n


def check_seconds(seconds: object, what: str = "seconds") -> float:
    """Return ``seconds`` as a float if it is a finite number ``>= 0``; else ``ValueError``."""
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError(f"{what} must be a finite number of seconds >= 0, got {seconds!r}")
    return float(seconds)


def format_retry_after(seconds: float) -> str:
    """Return ``seconds`` as a ``Retry-After`` decimal, rounded up to milliseconds (min 0.001).

    Rounding up means a client that waits exactly that long finds room in the window.
    """
    # round() first so that float noise (0.347 * 1000 == 346.99999999999994) cannot tip
    # an exact value up by a whole millisecond.
    millis = max(1, math.ceil(round(seconds * 1000, 6)))
    return f"{millis // 1000}.{millis % 1000:03d}"


def retry_after_header(value: float | str) -> str:
    """Return the ``Retry-After`` text for a number of seconds or a ready string (HTTP date)."""
    if isinstance(value, str):
        if not value or "\n" in value or "\r" in value:
            raise ValueError(f"retry_after must be a non-empty one-line string, got {value!r}")
        return value
    seconds = check_seconds(value, "retry_after")
    return str(int(seconds)) if seconds.is_integer() else f"{seconds:.3f}".rstrip("0").rstrip(".")


def error_body(status: int, message: str | None = None) -> bytes:
    """Return Workato's JSON error body for ``status``; a 500 also gets an ``id``."""
    if message is None:
        message = "Too many requests" if status == 429 else _phrase(status)
    body: dict[str, str] = {"message": message}
    if status == 500:
        body["id"] = uuid.uuid4().hex
    return msgspec.json.encode(body)


def html_page(status: int) -> bytes:
    """Return the kind of HTML error page a proxy or load balancer sends."""
    line = f"{status} {_phrase(status)}"
    return (
        f"<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n"
        f"<center><h1>{line}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


def truncate(body: bytes) -> bytes:
    """Return a prefix of a JSON document that no JSON parser accepts."""
    # Any proper, non-empty prefix of a JSON object or array is invalid JSON.
    return body[: max(1, len(body) // 2)] if len(body) > 1 else b"{"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True, slots=True)
class Failure:
    """An injected error response: its status, HTML or JSON, and ``Retry-After``."""

    status: int
    html: bool = False
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Fault:
    """What the armed knobs do to one request.

    ``stall`` delays the answer; then ``drop`` wins over ``failure``, which wins over
    ``malformed``.
    """

    stall: float = 0.0
    drop: bool = False
    failure: Failure | None = None
    malformed: bool = False


@dataclass(slots=True)
class _Batch(Generic[T]):
    remaining: int
    value: T


class _Counter(Generic[T]):
    """A queue of armed batches: arming twice runs one batch after the other."""

    __slots__ = ("_batches",)

    def __init__(self) -> None:
        self._batches: deque[_Batch[T]] = deque()

    def arm(self, n: int, value: T) -> None:
        if n:
            self._batches.append(_Batch(n, value))

    def take(self) -> T | None:
        if not self._batches:
            return None
        batch = self._batches[0]
        batch.remaining -= 1
        if not batch.remaining:
            self._batches.popleft()
        return batch.value

    def clear(self) -> None:
        self._batches.clear()


class FaultPlan:
    """Armed faults. Each request consumes one unit from every armed counter."""

    __slots__ = ("_drop", "_fail", "_malformed", "_stall")

    def __init__(self) -> None:
        self._fail: _Counter[Failure] = _Counter()
        self._malformed: _Counter[bool] = _Counter()
        self._drop: _Counter[bool] = _Counter()
        self._stall: _Counter[float] = _Counter()

    def fail_next(self, n: int, failure: Failure) -> None:
        """Arm ``n`` error responses."""
        self._fail.arm(n, failure)

    def malformed_next(self, n: int) -> None:
        """Arm ``n`` truncated bodies."""
        self._malformed.arm(n, True)

    def drop_next(self, n: int) -> None:
        """Arm ``n`` dropped connections."""
        self._drop.arm(n, True)

    def stall_next(self, n: int, seconds: float) -> None:
        """Arm ``n`` stalls of ``seconds``."""
        self._stall.arm(n, seconds)

    def take(self) -> Fault | None:
        """Return the fault for the request at hand (``None`` if nothing is armed)."""
        stall = self._stall.take()
        drop = self._drop.take()
        failure = self._fail.take()
        malformed = self._malformed.take()
        if stall is None and drop is None and failure is None and malformed is None:
            return None
        return Fault(
            stall=stall or 0.0,
            drop=bool(drop),
            failure=failure,
            malformed=bool(malformed),
        )

    def clear(self) -> None:
        """Disarm everything."""
        for counter in (self._fail, self._malformed, self._drop, self._stall):
            counter.clear()


class SlidingWindow:
    """A strict sliding window: at most ``requests`` accepted in any ``period`` seconds.

    It keeps the arrival times of accepted requests; a request is accepted if fewer than
    ``requests`` of them arrived in ``(now - period, now]``. Rejected requests leave no
    trace, so they do not consume the window.
    """

    __slots__ = ("_log", "period", "requests")

    def __init__(self, requests: int, period: float) -> None:
        if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
            raise ValueError(f"rate limit requests must be an int >= 1, got {requests!r}")
        if check_seconds(period, "rate limit period") <= 0:
            raise ValueError(f"rate limit period must be > 0 seconds, got {period!r}")
        self.requests = requests
        self.period = float(period)
        self._log: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Accept a request arriving at ``now`` (``None``) or return the seconds to wait."""
        log = self._log
        horizon = now - self.period
        while log and log[0] <= horizon:
            log.popleft()
        if len(log) < self.requests:
            log.append(now)
            return None
        return log[0] + self.period - now

    def clear(self) -> None:
        """Forget every accepted request."""
        self._log.clear()
