"""Smoke runs of the benchmarks at toy sizes: they run, report numbers and judge targets.

No timing is asserted: the machine is shared, and ``--quick`` numbers mean little.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import __main__ as entry
from benchmarks._common import FakeServer, Row, fake_server, format_table, median
from benchmarks.peers import PEERS, in_order

ROOT = Path(__file__).resolve().parents[1]

NUMBER = re.compile(r"\d")
VERDICT = re.compile(r"\b(PASS|MISS): ")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with fake_server(connectors=500) as running:
        yield running


@pytest.mark.parametrize("scenario", list(entry.SCENARIOS))
def test_each_scenario_reports_sdk_numbers_and_judges_its_targets(
    server: FakeServer, scenario: str
) -> None:
    rows = entry.SCENARIOS[scenario](server, True)
    assert rows
    assert NUMBER.search(rows[0].cells["d"]), rows[0]
    assert NUMBER.search(rows[0].cells["c"]), rows[0]
    assert len(VERDICT.findall(rows[0].result)) == 2, rows[0].result


def test_walk_scenarios_report_every_peer(server: FakeServer) -> None:
    rows = entry.SCENARIOS["walk"](server, True)
    assert set(rows[0].cells) == set(PEERS)
    assert all(NUMBER.search(cell) for cell in rows[0].cells.values())


def test_python_m_benchmarks_prints_machine_info_then_one_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "decode"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "- CPU: " in done.stdout and "- Python " in done.stdout
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(table) == 3  # header, rule, the decode row
    assert "(d) workato-connectors" in table[0]
    assert VERDICT.search(table[2])


def test_a_bench_script_runs_on_its_own() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_decode.py"), "--quick"],
        cwd=ROOT / "benchmarks",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"\| Decode one 100-connector page .*µs", done.stdout)


def test_an_unknown_scenario_is_refused_with_the_valid_names() -> None:
    with pytest.raises(SystemExit) as exit_info:
        entry.main(["--only", "walk,sprint"])
    assert exit_info.value.code == 2


def test_the_sliding_window_yields_in_order_with_a_bounded_number_in_flight() -> None:
    in_flight = peak = 0

    async def fetch(number: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001 * (number % 3))  # finish out of order
        in_flight -= 1
        return number

    async def collect() -> list[int]:
        return [n async for n in in_order(fetch, range(1, 41), 8)]

    assert asyncio.run(collect()) == list(range(1, 41))
    assert peak == 8


def test_the_table_marks_peers_without_a_number_as_not_applicable() -> None:
    table = format_table([Row("s", "m", {"d": "1 ms"}, "t", "PASS: x")], {"c": "C", "d": "D"})
    assert table.splitlines()[2] == "| s | m | n/a | 1 ms | t | PASS: x |"


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(ValueError, match="no values"):
        median([])
