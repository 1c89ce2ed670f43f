"""Run every benchmark and print one markdown table: ``python -m benchmarks [--quick]``.

One FakeWorkato serves every scenario from its own process (spawned once; each
scenario sets the catalog size, latency and rate limit it needs). Each cell is a median
over several runs with its ratio to the floor (c); each target is checked and marked
PASS or MISS. ``--quick`` runs toy sizes once (for the smoke test; its numbers mean little).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

from benchmarks import bench_cpu, bench_decode, bench_memory, bench_ratelimit, bench_walk
from benchmarks._common import FakeServer, Row, fake_server, format_table, machine_info
from benchmarks.peers import PEERS

SCENARIOS: dict[str, Callable[[FakeServer | None, bool], list[Row]]] = {
    "walk": bench_walk.run,
    "cpu": bench_cpu.run,
    "decode": bench_decode.run,
    "memory": bench_memory.run,
    "ratelimit": bench_ratelimit.run,
}

NOTES = """\
Each cell: the median, then its ratio to the floor (c). All clients use per_page=100;
(b), (c) and (d) keep 8 pages in flight, (a) fetches one page at a time. In the walk,
CPU, decode and memory rows the SDK runs with RateLimit(1_000_000, 1.0), a budget that
never binds, so they measure client overhead; the bulk row measures the limiter alone,
with the SDK's budget equal to the server's strict window. The fake runs in its own
process. Budget share = schemas fetched / (run time x budget rate); a client that
bursts can pass 100 % on a short run, since the server's first window starts empty."""


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run the scenarios and print machine info, the table and notes."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="toy sizes, one repetition")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=list(SCENARIOS),
        metavar="NAMES",
        help=f"comma-separated scenarios to run (default: all of {','.join(SCENARIOS)})",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(SCENARIOS))
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    print(machine_info(), end="\n\n", flush=True)
    started = time.perf_counter()
    rows: list[Row] = []
    with fake_server() as server:
        for name in args.only:
            began = time.perf_counter()
            rows.extend(SCENARIOS[name](server, args.quick))
            print(f"{name}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    print(format_table(rows, {key: label for key, (label, _) in PEERS.items()}))
    print()
    print(NOTES)
    print(f"\nTotal run time: {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
