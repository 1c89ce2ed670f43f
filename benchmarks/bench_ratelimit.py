"""A rate-limited bulk job: 400 input schemas against a strict sliding-window server.

The FakeWorkato (another process, 20 ms latency) enforces a strict sliding window of
100 requests per 2 s, answering 429 with ``Retry-After`` past it: Workato's 1,000 per
minute, scaled down so that the job spans about four windows. The SDK fetches the
schemas with ``input_schemas(pairs, concurrency=8)`` under ``RateLimit(100, 2.0)``, the
same budget; each run uses a fresh client and a fresh window. Reported: the throughput
as a fraction of the budget (schemas fetched / (run time x 100 / 2 s)) and the 429s the
server sent, the median fraction and the worst 429 count over 3 runs. The peers have no
limiter; for contrast, the floor (c) fetches the same schemas once with 8 in flight,
sleeping ``Retry-After`` on each 429 (the usual hand-written fix). Targets: at most one
429 and at least 90 % of the budget.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import FakeServer, Row, median, script_main, verdict
from benchmarks.peers import CONCURRENCY, FloorPeer, SdkPeer, in_order
from workato_connectors import RateLimit
from workato_connectors.testing import generate_catalog

BUDGET = (100, 2.0)
SCHEMAS = 400
LATENCY = 0.020
REPS = 3
#: The pairs name connectors of the fake's catalog, so both are generated at this size.
CATALOG = 100


def pairs(count: int) -> list[tuple[int, str]]:
    """Return ``count`` distinct (managed user, connector) pairs the fake knows."""
    names = [connector.name for connector in generate_catalog(CATALOG, 0)]
    return [(1 + i, names[i % len(names)]) for i in range(count)]


async def _sdk_job(server: FakeServer, jobs: list[tuple[int, str]], budget: RateLimit) -> int:
    async with SdkPeer(server.url, server.token, rate_limit=budget) as peer:
        results = [r async for r in peer.client.input_schemas(jobs, concurrency=CONCURRENCY)]
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} schemas failed, first: {failed[0].error!r}")
    return len(results)


async def _floor_job(server: FakeServer, jobs: list[tuple[int, str]], _: RateLimit) -> int:
    async with FloorPeer(server.url, server.token) as peer:

        async def fetch(index: int) -> object:
            return await peer.input_schema(*jobs[index])

        return len([s async for s in in_order(fetch, range(len(jobs)), CONCURRENCY)])


Job = Callable[[FakeServer, list[tuple[int, str]], RateLimit], Coroutine[Any, Any, int]]


def _run_job(
    server: FakeServer, job: Job, jobs: list[tuple[int, str]], budget: RateLimit
) -> tuple[float, int]:
    """Return (fraction of the budget achieved, 429s) for one run against a fresh window."""
    server.configure(latency=LATENCY, rate_limit=(budget.requests, budget.period))
    start = time.perf_counter()
    done = asyncio.run(job(server, jobs, budget))
    elapsed = time.perf_counter() - start
    stats = server.stats()
    if stats.ok != done:
        raise RuntimeError(f"the server answered {stats.ok} schemas, the client got {done}")
    return done / (elapsed * budget.requests / budget.period), stats.rate_limited


def run(server: FakeServer | None, quick: bool) -> list[Row]:
    """Run the bulk job on ``server`` and return the table row."""
    assert server is not None
    requests, period = (20, 0.5) if quick else BUDGET
    budget = RateLimit(requests, period)
    jobs = pairs(2 * requests if quick else SCHEMAS)
    server.configure(connectors=CATALOG, latency=LATENCY, rate_limit=None)
    runs = [_run_job(server, _sdk_job, jobs, budget) for _ in range(1 if quick else REPS)]
    fraction = median([f for f, _ in runs])
    worst = max(n for _, n in runs)
    floor_fraction, floor_429s = _run_job(server, _floor_job, jobs, budget)
    return [
        Row(
            scenario=(
                f"Bulk of {len(jobs)} input schemas, strict window "
                f"{requests} / {period:g} s, {LATENCY * 1000:.0f} ms latency"
            ),
            metric="share of the budget achieved (429s)",
            cells={
                "c": f"{floor_fraction:.0%} ({floor_429s} x 429; no limiter, sleeps Retry-After)",
                "d": f"{fraction:.0%} ({worst} x 429, worst of {len(runs)})",
            },
            target="<= 1 x 429; >= 90 % of the budget",
            result="; ".join(
                [
                    verdict(worst <= 1, f"{worst} x 429"),
                    verdict(fraction >= 0.90, f"{fraction:.1%} of the budget"),
                ]
            ),
        )
    ]


if __name__ == "__main__":
    sys.exit(script_main(__doc__, run))
