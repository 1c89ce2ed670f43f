"""Retry decisions and delays are pure: no sleeping here."""

import pytest

from workato_connectors._config import RetryPolicy
from workato_connectors._retry import (
    MAX_RETRY_AFTER,
    parse_retry_after,
    rate_limit_pause,
    retry_delay,
    should_retry,
)

POLICY = RetryPolicy(max_retries=3, max_rate_limit_retries=9)


@pytest.mark.parametrize("status", [None, 408, 500, 502, 503, 504])
def test_transient_failures_are_retried_until_max_retries(status):
    assert should_retry(status, retries=0, rate_limit_retries=0, policy=POLICY)
    assert should_retry(status, retries=2, rate_limit_retries=0, policy=POLICY)
    assert not should_retry(status, retries=3, rate_limit_retries=0, policy=POLICY)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
def test_other_statuses_are_never_retried(status):
    assert not should_retry(status, retries=0, rate_limit_retries=0, policy=POLICY)


def test_429s_have_their_own_longer_allowance():
    assert should_retry(429, retries=3, rate_limit_retries=8, policy=POLICY)
    assert not should_retry(429, retries=0, rate_limit_retries=9, policy=POLICY)


def test_zero_retries_means_one_attempt_even_for_429():
    policy = RetryPolicy(max_retries=0, max_rate_limit_retries=0)
    assert not should_retry(429, retries=0, rate_limit_retries=0, policy=policy)
    assert not should_retry(503, retries=0, rate_limit_retries=0, policy=policy)


def test_backoff_is_exponential_with_full_jitter_and_capped():
    top = lambda: 1.0  # noqa: E731
    assert [retry_delay(n, policy=POLICY, rng=top) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert retry_delay(20, policy=POLICY, rng=top) == POLICY.backoff_cap
    assert retry_delay(3, policy=POLICY, rng=lambda: 0.0) == 0.0


def test_retry_after_is_a_floor_for_the_backoff():
    assert retry_delay(0, policy=POLICY, retry_after=3.0, rng=lambda: 0.5) == 3.0


def test_rate_limit_pause_honours_retry_after_else_grows_from_a_second():
    assert rate_limit_pause(2.5, rate_limit_retries=4, policy=POLICY) == 2.5
    assert rate_limit_pause(None, rate_limit_retries=0, policy=POLICY) == 1.0
    assert rate_limit_pause(None, rate_limit_retries=2, policy=POLICY) == 4.0
    assert rate_limit_pause(None, rate_limit_retries=30, policy=POLICY) == POLICY.backoff_cap


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        (" 0.25 ", 0.25),
        ("-4", 0.0),
        ("99999", MAX_RETRY_AFTER),
        (None, None),
        ("soon", None),
        ("nan", None),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert parse_retry_after(value) == seconds


def test_retry_after_http_date_is_relative_to_now():
    now = 1_700_000_000.0  # Tue, 14 Nov 2023 22:13:20 GMT
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now=lambda: now) == 10.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=lambda: now) == 0.0
