"""Shared helpers of the benchmarks: the fake server in its own process, medians, the table.

The fake runs in a child process (``multiprocessing`` spawn) so that it never competes with
the client for the interpreter, and so that the client's CPU time and memory are its own.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import multiprocessing
import os
import platform
import statistics
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection
from typing import Any

import msgspec

from workato_connectors import Connector

from .peers import PEERS, Peer

__all__ = [
    "TOKEN",
    "FakeServer",
    "Row",
    "ServerStats",
    "fake_server",
    "format_table",
    "open_peers",
    "machine_info",
    "median",
    "ratio",
    "rounds",
    "script_main",
    "verdict",
    "walk",
]

TOKEN = "bench-token"
_START_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class ServerStats:
    """What the fake saw since its last reset."""

    requests: int
    ok: int
    rate_limited: int
    cpu: float  #: the server process's CPU seconds so far (not reset)


class FakeServer:
    """A ``FakeWorkato`` in a child process, steered over a pipe."""

    def __init__(self, conn: Connection, url: str) -> None:
        self._conn = conn
        self.url = url
        self.token = TOKEN

    def _call(self, *message: Any) -> Any:
        self._conn.send(message)
        reply = self._conn.recv()
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def configure(
        self,
        *,
        connectors: int | None = None,
        tile: int | None = None,
        latency: float | None = None,
        rate_limit: tuple[int, float] | None = None,
    ) -> None:
        """Set the catalog, the latency and the strict window; clear the request log.

        Parameters:
            connectors: the catalog size (``generate_catalog(connectors, 0)``).
            tile: build the catalog instead by repeating ``generate_catalog(tile, 0)``
                under new names, so that catalogs of different sizes have the same
                page sizes (for comparing memory across sizes).
            latency: seconds before every answer.
            rate_limit: ``(requests, period)`` of a strict window, or ``None`` for none.
        """
        self._call("configure", connectors, tile, latency, rate_limit)

    def stats(self) -> ServerStats:
        """Return the requests, 2xx answers and 429s since the last ``configure``."""
        return ServerStats(*self._call("stats"))


@functools.cache
def _catalog(size: int, tile: int | None = None) -> list[Connector]:
    """Return a generated catalog (cached, so reconfiguring the server is cheap)."""
    from workato_connectors.testing import generate_catalog

    if tile is None:
        return generate_catalog(size, 0)
    base = generate_catalog(tile, 0)
    return [
        msgspec.structs.replace(connector, name=f"{connector.name}_{index // tile}")
        for index, connector in zip(range(size), itertools.cycle(base))
    ]


def _serve(conn: Connection, connectors: int, latency: float) -> None:
    asyncio.run(_serve_async(conn, connectors, latency))


async def _serve_async(conn: Connection, connectors: int, latency: float) -> None:
    from workato_connectors.testing import FakeWorkato

    loop = asyncio.get_running_loop()
    async with FakeWorkato(connectors=_catalog(connectors), latency=latency, token=TOKEN) as fake:
        conn.send(fake.url)
        while True:
            try:
                command, *args = await loop.run_in_executor(None, conn.recv)
            except (EOFError, OSError):
                return  # the benchmark went away
            if command == "stop":
                return
            try:
                if command == "configure":
                    size, tile, seconds, window = args
                    if size is not None:
                        fake.catalog = _catalog(size, tile)
                    if seconds is not None:
                        fake.latency = seconds
                    fake.set_rate_limit(*(window or (None,)))
                    fake.reset()
                    reply: Any = None
                elif command == "stats":
                    ok = sum(1 for r in fake.requests if r.status is not None and r.status < 300)
                    reply = (len(fake.requests), ok, fake.rate_limited, time.process_time())
                else:
                    reply = ValueError(f"unknown command {command!r}")
            except Exception as exc:  # sent back and raised in the benchmark process
                reply = exc
            conn.send(reply)


@contextmanager
def fake_server(connectors: int = 5_000, latency: float = 0.0) -> Iterator[FakeServer]:
    """Run a ``FakeWorkato`` in a child process for the duration of the block.

    Raises:
        RuntimeError: the server did not come up.
    """
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, connectors, latency), daemon=True)
    process.start()
    try:
        if not ours.poll(_START_TIMEOUT):
            raise RuntimeError(f"the fake server did not start within {_START_TIMEOUT:.0f} s")
        yield FakeServer(ours, ours.recv())
    finally:
        if process.is_alive():
            with suppress(OSError):
                ours.send(("stop",))
        process.join(10)
        if process.is_alive():
            process.kill()  # our own child, by handle
            process.join()
        ours.close()


def median(values: Sequence[float]) -> float:
    """Return the median of ``values`` (at least one)."""
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def ratio(value: float, floor: float) -> float:
    """Return ``value / floor`` (infinity if the floor is 0)."""
    return value / floor if floor else float("inf")


def verdict(ok: bool, text: str) -> str:
    """Return ``PASS: text`` or ``MISS: text``."""
    return f"{'PASS' if ok else 'MISS'}: {text}"


@dataclass
class Row:
    """One line of the table: a scenario, a cell per peer, its target and the verdicts."""

    scenario: str
    metric: str
    cells: dict[str, str] = field(default_factory=dict)
    target: str = ""
    result: str = ""


def _library_versions() -> str:
    names = ("workato-connectors", "aiohttp", "msgspec", "httpx", "pydantic", "aiolimiter")
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> str:
    """Return a markdown list: CPU, cores, OS, Python and library versions."""
    return "\n".join(
        [
            f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; load average "
            + (
                ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
            ),
            f"- OS: {platform.platform()}",
            f"- Python {platform.python_version()} ({platform.python_implementation()})",
            f"- {_library_versions()}",
        ]
    )


@asynccontextmanager
async def open_peers(server: FakeServer, keys: Iterable[str]) -> AsyncIterator[dict[str, Peer]]:
    """Open one client per peer key, bound to ``server``, for the duration of the block."""
    async with AsyncExitStack() as stack:
        yield {
            key: await stack.enter_async_context(PEERS[key][1](server.url, server.token))
            for key in keys
        }


async def rounds(
    peers: Mapping[str, Peer],
    measure: Callable[[Peer], Awaitable[float]],
    reps: Mapping[str, int],
    *,
    warmup: bool = True,
) -> dict[str, list[float]]:
    """Return ``reps[key]`` measurements per peer, taken round-robin, after a warm-up each.

    The runs alternate between peers so that a burst of load from elsewhere on the
    machine hits them all alike; the warm-up run (connections, caches) is not kept.
    """
    if warmup:
        for peer in peers.values():
            await measure(peer)
    results: dict[str, list[float]] = {key: [] for key in reps}
    for turn in range(max(reps.values(), default=0)):
        for key, wanted in reps.items():
            if turn < wanted:
                results[key].append(await measure(peers[key]))
    return results


async def walk(peer: Peer) -> int:
    """Walk the whole catalog, dropping each connector; return how many there were."""
    count = 0
    async for _ in peer.connectors():
        count += 1
    return count


def format_table(rows: Sequence[Row], columns: dict[str, str]) -> str:
    """Return ``rows`` as one markdown table; ``columns`` maps peer keys to headers."""
    header = ["Scenario", "Metric", *columns.values(), "Target", "Result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [row.cells.get(key, "n/a") for key in columns]
        lines.append(
            "| " + " | ".join([row.scenario, row.metric, *cells, row.target, row.result]) + " |"
        )
    return "\n".join(lines)


def script_main(
    doc: str | None,
    run: Callable[[FakeServer | None, bool], list[Row]],
    *,
    needs_server: bool = True,
    argv: Sequence[str] | None = None,
) -> int:
    """Run one benchmark module as a script: parse ``--quick``, print machine info and table."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy sizes, one repetition")
    args = parser.parse_args(argv)
    print(machine_info(), end="\n\n", flush=True)
    if needs_server:
        with fake_server() as server:
            rows = run(server, args.quick)
    else:
        rows = run(None, args.quick)
    print(format_table(rows, {key: label for key, (label, _) in PEERS.items()}))
    return 0
