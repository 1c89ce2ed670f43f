"""Retry decisions as pure functions: what to retry, how long to wait."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from ._config import RETRYABLE_STATUSES, RetryPolicy

__all__ = ["parse_retry_after", "rate_limit_pause", "retry_delay", "should_retry"]

#: Retry-After values beyond this are treated as this (a typo must not park a worker).
MAX_RETRY_AFTER = 300.0


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for, or ``None`` if absent/garbled.

    Accepts delta-seconds (``"3"``, ``"0.5"``) and HTTP dates; past dates give 0.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def should_retry(
    status: int | None, *, retries: int, rate_limit_retries: int, policy: RetryPolicy
) -> bool:
    """Return whether a failed attempt is retried.

    ``status`` is the HTTP status, or ``None`` for a connection error or timeout.
    ``retries`` and ``rate_limit_retries`` count the retries already made of each kind.
    """
    if status == 429:
        return rate_limit_retries < policy.max_rate_limit_retries
    if status is None or status in RETRYABLE_STATUSES:
        return retries < policy.max_retries
    return False


def retry_delay(
    retries: int,
    *,
    policy: RetryPolicy,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Return how long to wait before retry number ``retries + 1`` (not for 429s).

    Capped exponential backoff with full jitter; a server's ``Retry-After`` is a floor.
    """
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0**retries)
    delay = ceiling * rng()
    return max(delay, retry_after) if retry_after is not None else delay


def rate_limit_pause(
    retry_after: float | None, *, rate_limit_retries: int, policy: RetryPolicy
) -> float:
    """Return how long the whole client pauses after a 429.

    The server's ``Retry-After`` when it sent one, else a short pause that doubles with
    each consecutive 429 (capped).
    """
    if retry_after is not None:
        return retry_after
    return min(policy.backoff_cap, policy.rate_limit_default * 2.0**rate_limit_retries)
