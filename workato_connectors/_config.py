"""Defaults, data centers and the retry policy: the SDK's settings in one place."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import aiohttp

try:
    __version__ = version("workato-connectors")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

DATA_CENTERS: dict[str, str] = {
    "us": "https://www.workato.com",
    "eu": "https://app.eu.workato.com",
    "jp": "https://app.jp.workato.com",
    "sg": "https://app.sg.workato.com",
    "au": "https://app.au.workato.com",
    "il": "https://app.il.workato.com",
    "trial": "https://app.trial.workato.com",
}

TOKEN_ENV = "WORKATO_API_TOKEN"
BASE_URL_ENV = "WORKATO_BASE_URL"

USER_AGENT = (
    f"workato-connectors/{__version__} "
    f"python/{'.'.join(platform.python_version_tuple()[:2])} "
    f"aiohttp/{aiohttp.__version__}"
)

MAX_PER_PAGE = 100
DEFAULT_PAGE_CONCURRENCY = 8
DEFAULT_MAX_CONCURRENCY = 16
DEFAULT_MAX_RETRIES = 3
#: 429s get this many times the allowance of other failures: waiting out a 429 is cheap.
RATE_LIMIT_RETRY_FACTOR = 3
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=60.0, sock_connect=10.0, sock_read=30.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed attempts are retried.

    ``max_retries`` bounds retries of 5xx, 408, connection errors and timeouts;
    ``max_rate_limit_retries`` bounds retries of 429s separately, since a 429 only means
    "wait", and the pause gate makes waiting cheap for the server.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    max_rate_limit_retries: int = RATE_LIMIT_RETRY_FACTOR * DEFAULT_MAX_RETRIES
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: Pause after a 429 that carries no Retry-After (grows with the attempt number).
    rate_limit_default: float = 1.0
    #: Upward jitter added to every 429 pause, as a fraction of it.
    rate_limit_jitter: float = 0.1


RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
