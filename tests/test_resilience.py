"""Rate limits, the 429 pause gate, retries and timeouts, against FakeWorkato's faults."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from conftest import client_for
from test_ratelimit import max_in_any_window

from workato_connectors import (
    APIConnectionError,
    APITimeoutError,
    NotFoundError,
    RateLimit,
    RateLimitError,
    ServerError,
)
from workato_connectors.testing import FakeWorkato

BUDGET = RateLimit(50, 1.0)


async def bulk(client, fake, jobs: int) -> list:
    names = [c.name for c in fake.catalog]
    pairs = [(user, names[user % len(names)]) for user in range(1, jobs + 1)]
    return [r async for r in client.input_schemas(pairs, concurrency=16)]


async def test_a_client_with_the_servers_budget_never_trips_a_strict_window():
    async with FakeWorkato(connectors=50) as fake, client_for(fake, rate_limit=BUDGET) as client:
        fake.set_rate_limit(BUDGET.requests, BUDGET.period)
        start = time.perf_counter()
        results = await bulk(client, fake, 150)
        elapsed = time.perf_counter() - start
    assert all(r.ok for r in results)
    assert fake.rate_limited == 0
    stamps = [r.started for r in fake.requests]
    assert max_in_any_window(stamps, BUDGET.period) <= BUDGET.requests
    # 150 requests at ~47.5/s after a burst of 2 take ~3.1 s; allow a loaded machine slack.
    assert 150 / elapsed >= 0.7 * BUDGET.requests / BUDGET.period


async def test_a_client_budget_set_too_high_still_finishes_with_few_429s():
    async with (
        FakeWorkato(connectors=50) as fake,
        client_for(fake, rate_limit=RateLimit(500, 1.0)) as client,
    ):
        fake.set_rate_limit(50, 1.0)
        results = await bulk(client, fake, 150)
    assert all(r.ok for r in results)
    assert 0 < fake.rate_limited <= 60  # the gate stops the stampede: no 429 storm
    accepted = [r.started for r in fake.requests if r.status == 200]
    assert max_in_any_window(accepted, 1.0) <= 50


async def test_503_twice_then_200_succeeds(fake, client):
    fake.fail_next(2, 503)
    page = await client.get_connectors_page(1, 10)
    assert len(page.items) == 10
    assert [r.status for r in fake.requests] == [503, 503, 200]


async def test_retry_after_on_a_429_is_honoured(fake, client):
    fake.fail_next(1, 429, retry_after=0.5)
    await client.get_connectors_page()
    first, second = fake.requests
    assert first.status == 429 and second.status == 200
    assert second.started - first.finished >= 0.5


async def test_a_429_pauses_every_task_of_the_client(fake):
    # One request in flight at a time: every request after the first is sent after the 429.
    async with client_for(fake, max_concurrency=1) as client:
        fake.fail_next(1, 429, retry_after=0.6)
        await asyncio.gather(*(client.get_connectors_page(p, 1) for p in range(1, 9)))
    limited = next(r for r in fake.requests if r.status == 429)
    later = [r for r in fake.requests if r.started > limited.finished]
    assert later, "the other requests ran after the 429"
    assert min(r.started for r in later) - limited.finished >= 0.55


async def test_html_502_becomes_a_server_error_after_retries(fake):
    async with client_for(fake, max_retries=2) as client:
        fake.fail_next(10, 502, html=True)
        with pytest.raises(ServerError) as info:
            await client.get_connectors_page()
    assert info.value.status == 502
    assert "502" in info.value.message
    assert len(fake.requests) == 3


async def test_dropped_connections_are_retried_then_reported(fake):
    async with client_for(fake, max_retries=2) as client:
        fake.drop_next(1)
        assert (await client.get_connectors_page(1, 3)).items
        fake.drop_next(10)
        with pytest.raises(APIConnectionError) as info:
            await client.get_connectors_page(1, 3)
    assert not isinstance(info.value, APITimeoutError)
    assert info.value.method == "GET"


async def test_a_hanging_response_is_a_timeout(fake):
    async with client_for(fake, max_retries=1, timeout=0.3) as client:
        fake.stall_next(10, 30.0)
        with pytest.raises(APITimeoutError, match="timed out"):
            await client.get_connectors_page()


async def test_404_is_never_retried(fake, client):
    fake.fail_next(1, 404)
    with pytest.raises(NotFoundError):
        await client.get_connectors_page()
    assert len(fake.requests) == 1


async def test_zero_retries_raise_rate_limit_error_at_once_and_still_pause(fake):
    async with client_for(fake, max_retries=0) as client:
        fake.fail_next(1, 429, retry_after=0.4)
        with pytest.raises(RateLimitError) as info:
            await client.get_connectors_page()
        assert info.value.retry_after == pytest.approx(0.4)
        assert len(fake.requests) == 1
        await client.get_connectors_page()
    assert fake.requests[1].started - fake.requests[0].finished >= 0.35


async def test_rate_limit_retries_have_their_own_allowance(fake):
    async with client_for(fake, max_retries=0, max_rate_limit_retries=2) as client:
        fake.fail_next(2, 429, retry_after=0.05)
        await client.get_connectors_page()
    assert [r.status for r in fake.requests] == [429, 429, 200]


async def test_malformed_json_is_a_decode_error_and_not_retried(fake, client):
    from workato_connectors import ResponseDecodeError

    fake.malformed_next(1)
    with pytest.raises(ResponseDecodeError) as info:
        await client.get_connectors_page()
    assert info.value.status == 200 and info.value.snippet
    assert len(fake.requests) == 1


async def test_max_concurrency_caps_requests_in_flight():
    async with (
        FakeWorkato(connectors=30, latency=0.05) as fake,
        client_for(fake, max_concurrency=3) as client,
    ):
        await asyncio.gather(*(client.get_input_schema(i, "jms") for i in range(1, 13)))
    events = sorted(
        [(r.started, 1) for r in fake.requests] + [(r.finished, -1) for r in fake.requests]
    )
    in_flight = peak = 0
    for _, delta in events:
        in_flight += delta
        peak = max(peak, in_flight)
    assert peak <= 3


async def test_every_attempt_is_logged_and_429s_warn_without_the_token(fake, caplog):
    caplog.set_level(logging.DEBUG, logger="workato_connectors")
    async with client_for(fake) as client:
        fake.fail_next(1, 503)
        fake.fail_next(1, 429, retry_after=0.01)
        await client.get_connectors_page(2, 5)
    attempts = [r.getMessage() for r in caplog.records if "/api/integrations/all" in r.getMessage()]
    assert any("503" in m and "attempt 1" in m for m in attempts)
    assert any("200" in m and "attempt 3" in m for m in attempts)
    assert any(r.levelno == logging.WARNING and "429" in r.getMessage() for r in caplog.records)
    assert fake.token not in caplog.text


async def test_a_shared_limiter_is_asked_once_per_attempt_and_told_about_429s(fake):
    class CountingLimiter:
        def __init__(self) -> None:
            self.acquired = 0
            self.pauses: list[float] = []

        async def acquire(self) -> None:
            self.acquired += 1

        async def pause(self, seconds: float) -> None:
            self.pauses.append(seconds)

    limiter = CountingLimiter()
    async with client_for(fake, limiter=limiter, rate_limit=RateLimit(1, 60.0)) as client:
        fake.fail_next(1, 503)
        fake.fail_next(1, 429, retry_after=0.05)
        await client.get_connectors_page()
    assert limiter.acquired == 3  # the limiter wins over rate_limit, retries are metered
    assert limiter.pauses == [pytest.approx(0.05)]
