"""Client CPU per request: full walks of 5,000 connectors at 0 ms server latency.

The FakeWorkato runs in another process, so ``time.process_time()`` of this process is
the client's own CPU: sending the request, reading the body, decoding the page, and for
the SDK its limiter, pause gate, in-flight cap and retry bookkeeping. Each peer keeps one
client and walks the catalog (50 requests of 100 connectors) after one warm-up walk;
the concurrent peers and the SDK keep 8 pages in flight. The SDK runs under a budget
that never binds (``RateLimit(1_000_000, 1.0)``). Reported: CPU microseconds per request
(the process CPU of a walk divided by the requests the server saw), the median of 5 walks
per peer, peers taking turns, and the ratio to the floor (c); also the fake's CPU per
request in its own process, to show that it is not the bottleneck. Targets: the SDK within
1.3 x the floor and below (b).
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
REPS = 5


def run(server: FakeServer | None, quick: bool) -> list[Row]:
    """Measure client CPU per request on ``server`` and return the table row."""
    assert server is not None
    connectors = 500 if quick else CONNECTORS
    server.configure(connectors=connectors, latency=0.0, rate_limit=None)

    server_cpu: list[float] = []

    async def measure(peer: Peer) -> float:
        before = server.stats()
        start = time.process_time()
        count = await walk_all(peer)
        cpu = time.process_time() - start
        after = server.stats()
        if count != connectors:
            raise RuntimeError(f"{type(peer).__name__} walked {count} of {connectors}")
        requests = after.requests - before.requests
        server_cpu.append((after.cpu - before.cpu) / requests)
        return cpu / requests

    reps = {key: 1 for key in PEERS} if quick else {key: REPS for key in PEERS}

    async def main() -> dict[str, list[float]]:
        async with open_peers(server, PEERS) as peers:
            return await rounds(peers, measure, reps)

    samples = asyncio.run(main())
    cpu = {key: median(values) for key, values in samples.items()}
    floor, sdk = cpu["c"], cpu["d"]
    return [
        Row(
            scenario=f"Walk {connectors:,} connectors, 0 ms latency",
            metric=(
                "client CPU per request, median (x floor); "
                f"the fake's own: {median(server_cpu) * 1e6:,.0f} µs"
            ),
            cells={
                key: f"{value * 1e6:,.0f} µs ({ratio(value, floor):.2f}x)"
                for key, value in cpu.items()
            },
            target="SDK <= 1.3x floor; below (b)",
            result="; ".join(
                [
                    verdict(sdk <= 1.3 * floor, f"{ratio(sdk, floor):.2f}x floor"),
                    verdict(sdk < cpu["b"], f"{ratio(sdk, cpu['b']):.2f}x (b)"),
                ]
            ),
        )
    ]


if __name__ == "__main__":
    sys.exit(script_main(__doc__, run))
