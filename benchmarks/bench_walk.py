"""Wall time of a full catalog walk: 5,000 connectors (50 pages of 100) at 20 ms latency.

The FakeWorkato runs in another process and adds 20 ms before every answer. The
concurrent peers (b), (c) and the SDK keep 8 pages in flight; the naive peer (a) fetches
one page after another. The SDK runs under a budget that never binds
(``RateLimit(1_000_000, 1.0)``), so this measures the client's overhead on top of the
latency, not its limiter. Reported: the median of 5 walks per peer (each peer keeps one
client; one warm-up walk first; peers take turns) and the ratio to the floor (c).
Targets: the SDK within 1.15 x the floor and at least 5 x faster than (a); with 50 pages
and 8 in flight the physical limit is about 6 x (1 + ceil(49 / 8) = 8 round trips vs 50).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    FakeServer,
    Row,
    median,
    open_peers,
    ratio,
    rounds,
    script_main,
    verdict,
)
from benchmarks._common import walk as walk_all
from benchmarks.peers import PEERS, Peer

CONNECTORS = 5_000
LATENCY = 0.020
REPS = 5


def run(server: FakeServer | None, quick: bool) -> list[Row]:
    """Measure the walk on ``server`` and return the table row."""
    assert server is not None
    connectors = 500 if quick else CONNECTORS
    server.configure(connectors=connectors, latency=LATENCY, rate_limit=None)

    async def measure(peer: Peer) -> float:
        start = time.perf_counter()
        count = await walk_all(peer)
        elapsed = time.perf_counter() - start
        if count != connectors:
            raise RuntimeError(f"{type(peer).__name__} walked {count} of {connectors}")
        return elapsed

    reps = {key: 1 for key in PEERS} if quick else {"a": 3, "b": 3, "c": REPS, "d": REPS}

    async def main() -> dict[str, list[float]]:
        async with open_peers(server, PEERS) as peers:
            return await rounds(peers, measure, reps)

    times = asyncio.run(main())
    walls = {key: median(values) for key, values in times.items()}
    floor, sdk = walls["c"], walls["d"]
    cells = {
        key: f"{wall * 1000:,.0f} ms ({ratio(wall, floor):.2f}x)" for key, wall in walls.items()
    }
    speedup = ratio(walls["a"], sdk)
    return [
        Row(
            scenario=f"Walk {connectors:,} connectors, {LATENCY * 1000:.0f} ms latency",
            metric="wall time, median (x floor)",
            cells=cells,
            target="SDK <= 1.15x floor; >= 5x faster than (a)",
            result="; ".join(
                [
                    verdict(sdk <= 1.15 * floor, f"{ratio(sdk, floor):.2f}x floor"),
                    verdict(speedup >= 5, f"{speedup:.1f}x faster than (a)"),
                ]
            ),
        )
    ]


if __name__ == "__main__":
    sys.exit(script_main(__doc__, run))
