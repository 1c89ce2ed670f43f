"""Peak client memory while streaming a 50,000-connector catalog (500 pages of 100).

The FakeWorkato runs in another process. Each peer walks the whole catalog with
``async for``, dropping every connector as soon as it arrives; ``tracemalloc`` records
the peak of the Python memory allocated in this process during the walk (socket
buffers, bodies, decoded pages, bookkeeping; the client is opened and warmed up before
tracing starts). The concurrent peers and the SDK keep 8 pages in flight; the SDK runs
under a budget that never binds. The 50,000-connector catalog repeats a generated
5,000-connector one under new names, so both sizes have the same pages and any growth
is the client's own. Reported: the median peak in MiB over 3 walks (one walk for the
slow peers (a) and (b), whose peaks hardly vary) and the ratio to the floor (c); the
floor and the SDK also stream the 5,000-connector catalog. Targets: the SDK's peak
within 1.5 x the floor's, and flat in catalog size (its 50,000-connector peak within
1.25 x its 5,000-connector peak).
"""

from __future__ import annotations

import asyncio
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
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

LARGE = 50_000
SMALL = 5_000
REPS = 3
MIB = 1024 * 1024


async def _peak(peer: Peer, expected: int) -> float:
    tracemalloc.start()
    try:
        count = await walk_all(peer)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if count != expected:
        raise RuntimeError(f"{type(peer).__name__} walked {count} of {expected}")
    return peak


async def _measure_all(
    server: FakeServer, large: int, small: int, reps: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Return the median peaks per peer streaming ``large``, and (floor, SDK) ``small``."""
    keys = tuple(PEERS)
    async with open_peers(server, keys) as peers:
        # Warm every client up on the small catalog; its peaks need only the floor and SDK.
        server.configure(connectors=small, tile=small, latency=0.0, rate_limit=None)
        little = await rounds(peers, _measure(small), {"c": reps, "d": reps})
        # The other peers are slow under tracemalloc and their peaks hardly vary: once.
        server.configure(connectors=large, tile=small, latency=0.0, rate_limit=None)
        wanted = {"a": 1, "b": 1, "c": reps, "d": reps}
        big = await rounds(peers, _measure(large), wanted, warmup=False)
    return (
        {key: median(values) for key, values in big.items()},
        {key: median(values) for key, values in little.items()},
    )


def _measure(expected: int) -> Callable[[Peer], Awaitable[float]]:
    async def measure(peer: Peer) -> float:
        return await _peak(peer, expected)

    return measure


def run(server: FakeServer | None, quick: bool) -> list[Row]:
    """Measure peak memory while streaming on ``server`` and return the table rows."""
    assert server is not None
    large, small = (2_000, 500) if quick else (LARGE, SMALL)
    reps = 1 if quick else REPS
    big, little = asyncio.run(_measure_all(server, large, small, reps))
    floor, sdk, sdk_small = big["c"], big["d"], little["d"]
    growth = ratio(sdk, sdk_small)
    return [
        Row(
            scenario=f"Stream {large:,} connectors",
            metric="peak traced memory, median (x floor)",
            cells={
                key: f"{value / MIB:,.1f} MiB ({ratio(value, floor):.2f}x)"
                for key, value in big.items()
            },
            target=f"SDK <= 1.5x floor; flat: <= 1.25x its {small:,} peak",
            result="; ".join(
                [
                    verdict(sdk <= 1.5 * floor, f"{ratio(sdk, floor):.2f}x floor"),
                    verdict(growth <= 1.25, f"{growth:.2f}x its {small:,} peak"),
                ]
            ),
        ),
        Row(
            scenario=f"Stream {small:,} connectors",
            metric="peak traced memory, median (x floor)",
            cells={
                key: f"{value / MIB:,.1f} MiB ({ratio(value, little['c']):.2f}x)"
                for key, value in little.items()
            },
            target="(for the flatness check above)",
        ),
    ]


if __name__ == "__main__":
    sys.exit(script_main(__doc__, run))
