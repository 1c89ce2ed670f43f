"""The budget arithmetic, the limiter's guarantee and the pause gate."""

import asyncio
import math

import pytest

from workato_connectors import RateLimit
from workato_connectors._ratelimit import PauseGate


def max_in_any_window(stamps: list[float], period: float) -> int:
    stamps = sorted(stamps)
    best = start = 0
    for end, t in enumerate(stamps):
        while t - stamps[start] >= period:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_max_in_any_window_counts_a_sliding_window():
    assert max_in_any_window([0.0, 0.1, 0.2, 1.0, 1.05], 1.0) == 4
    assert max_in_any_window([0.0, 1.0, 2.0], 1.0) == 1
    assert max_in_any_window([], 1.0) == 0


@pytest.mark.parametrize(
    "budget",
    [
        RateLimit(1000, 60.0),
        RateLimit(60, 60.0),
        RateLimit(50, 1.0),
        RateLimit(3, 1.0),
        RateLimit(1, 60.0),
        RateLimit(100, 10.0, burst=100),
        RateLimit(100, 10.0, burst=98),
        RateLimit(2, 1.0, burst=2),
    ],
)
def test_no_window_can_hold_more_than_the_budget(budget):
    # A leaky bucket lets at most burst + rate * window through any window; counts are whole.
    assert math.floor(budget.effective_burst + budget.rate * budget.period) <= budget.requests
    assert budget.rate > 0


def test_default_budget_keeps_a_small_margin_but_uses_over_90_percent():
    budget = RateLimit(1000, 60.0)
    used = budget.effective_burst + budget.rate * budget.period
    assert 0.9 * 1000 <= used <= 0.98 * 1000
    assert budget.effective_burst <= 10


def test_positional_use_works():
    assert RateLimit(50, 1.0) == RateLimit(requests=50, period=1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"requests": 0}, "requests must be >= 1"),
        ({"requests": 1.5}, "requests must be an int"),
        ({"requests": 10, "period": 0}, "period must be a number of seconds > 0"),
        ({"requests": 10, "period": "60"}, "period must be a number"),
        ({"requests": 10, "burst": 11}, "burst must be between 1 and requests"),
        ({"requests": 10, "burst": 0}, "burst must be between 1 and requests"),
    ],
)
def test_bad_budgets_say_what_is_accepted(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RateLimit(**kwargs)


@pytest.mark.parametrize("budget", [RateLimit(20, 0.5), RateLimit(10, 0.5, burst=10)])
async def test_limiter_never_lets_more_than_the_budget_through_any_window_from_the_start(budget):
    limiter = budget.limiter()
    loop = asyncio.get_running_loop()
    stamps: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        stamps.append(loop.time())

    await asyncio.gather(*(one() for _ in range(2 * budget.requests + 10)))
    # Delays from a loaded machine only spread requests out; they can never add any.
    assert max_in_any_window(stamps, budget.period) <= budget.requests


def test_gate_trips_to_the_latest_deadline_and_does_not_add_up():
    now = [100.0]
    gate = PauseGate(clock=lambda: now[0], jitter=0.0)
    assert gate.remaining == 0
    assert gate.trip(5.0) == 5.0
    assert gate.trip(2.0) == 5.0  # an earlier deadline does not shorten the pause
    now[0] += 1.0
    assert gate.trip(6.0) == 6.0  # a later one extends it (to 107, not 100 + 5 + 6)
    now[0] += 7.0
    assert gate.remaining == 0


def test_gate_jitter_only_lengthens_the_pause():
    gate = PauseGate(clock=lambda: 0.0, jitter=0.1, rng=lambda: 1.0)
    assert gate.trip(10.0) == pytest.approx(11.0)


async def test_gate_wait_returns_at_once_when_open_and_after_the_pause_otherwise():
    gate = PauseGate(jitter=0.0)
    await asyncio.wait_for(gate.wait(), 1.0)
    loop = asyncio.get_running_loop()
    gate.trip(0.05)
    start = loop.time()
    await gate.wait()
    assert loop.time() - start >= 0.04
