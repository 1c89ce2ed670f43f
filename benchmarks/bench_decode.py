"""Decoding one page of 100 connectors: bytes in, objects out, in this process.

The page is what FakeWorkato serves for page 2 of a 5,000-connector catalog (about
215 KB of JSON). Each peer decodes it its own way: (a) ``json.loads`` into dicts, (b)
pydantic's ``model_validate_json``, (c) a ``msgspec.json.Decoder`` of plain frozen
Structs with the SDK's fields, (d) the SDK's own response decoding (``_protocol.decode``,
what the client runs on every page). No network. Reported: the median over 25 rounds of
the mean time per decode (the decoders take turns within each round) and the ratio to
the floor (c). Targets: the SDK within 1.1 x raw msgspec and at least 3 x faster than
pydantic.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import msgspec

from benchmarks._common import FakeServer, Row, median, ratio, script_main, verdict
from benchmarks.peers import DECODERS, PER_PAGE
from workato_connectors.testing import generate_catalog

ROUNDS = 25
SECONDS_PER_ROUND = 0.03


def page_body(connectors: int = 5_000, page: int = 2) -> bytes:
    """Return the JSON body FakeWorkato serves for ``page`` of a generated catalog."""
    catalog = generate_catalog(connectors, 0)
    start = (page - 1) * PER_PAGE
    items = catalog[start : start + PER_PAGE]
    return msgspec.json.encode(
        {"items": items, "count": len(catalog), "page": page, "per_page": PER_PAGE}
    )


def time_decodes(
    decoders: Mapping[str, Callable[[bytes], object]],
    body: bytes,
    *,
    rounds: int,
    seconds: float,
) -> dict[str, float]:
    """Return the median over ``rounds`` of the mean seconds per decode, for each decoder.

    Each round times every decoder in turn, so that load from elsewhere on the machine
    hits them all alike.
    """
    timers = {key: timeit.Timer(partial(decode, body)) for key, decode in decoders.items()}
    numbers = {key: max(1, int(seconds / max(t.timeit(1), 1e-7))) for key, t in timers.items()}
    samples: dict[str, list[float]] = {key: [] for key in timers}
    for _ in range(rounds):
        for key, timer in timers.items():
            samples[key].append(timer.timeit(numbers[key]) / numbers[key])
    return {key: median(values) for key, values in samples.items()}


def run(server: FakeServer | None, quick: bool) -> list[Row]:
    """Time each peer's decoding of one page and return the table row."""
    body = page_body()
    rounds, seconds = (1, 0.02) if quick else (ROUNDS, SECONDS_PER_ROUND)
    times = time_decodes(DECODERS, body, rounds=rounds, seconds=seconds)
    floor, sdk = times["c"], times["d"]
    speedup = ratio(times["b"], sdk)
    return [
        Row(
            scenario=f"Decode one {PER_PAGE}-connector page ({len(body) // 1000} KB)",
            metric="time per page, median (x floor)",
            cells={
                key: f"{value * 1e6:,.0f} µs ({ratio(value, floor):.2f}x)"
                for key, value in times.items()
            },
            target="SDK <= 1.1x raw msgspec; >= 3x faster than (b)",
            result="; ".join(
                [
                    verdict(sdk <= 1.1 * floor, f"{ratio(sdk, floor):.2f}x floor"),
                    verdict(speedup >= 3, f"{speedup:.1f}x faster than (b)"),
                ]
            ),
        )
    ]


if __name__ == "__main__":
    sys.exit(script_main(__doc__, run, needs_server=False))
