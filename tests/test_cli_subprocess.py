"""The ``workato-connectors`` command line as a real process: ``python -m``, the console
script, signals, a closed pipe and a terminal on stderr."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_env, decode_catalog, has_color, run_on_terminal

from workato_connectors import WorkatoClient
from workato_connectors.testing import FakeWorkato, generate_catalog

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX ptys and signals")


async def run_module(*argv: str) -> tuple[int, bytes, bytes]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workato_connectors",
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(),
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out, err


async def test_python_m_reaches_base_url_with_token_and_retries_a_503() -> None:
    async with FakeWorkato(connectors=250, token="subprocess-token") as fake:
        fake.fail_next(1, 503)
        code, out, err = await run_module(
            "-v", "--base-url", fake.url, "--token", fake.token, "catalog"
        )
        statuses = [r.status for r in fake.requests]
    assert code == 0, err.decode()
    assert decode_catalog(out) == fake.catalog
    assert statuses.count(503) == 1 and statuses.count(200) == 3
    assert b"retrying" in err
    assert b"subprocess-token" not in err


async def test_a_wrong_token_exits_3_and_keeps_the_previous_output_file(tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"
    target.write_text("previous")
    async with FakeWorkato(connectors=10) as fake:
        code, out, err = await run_module(
            "--base-url", fake.url, "--token", "wrong", "catalog", "-o", str(target)
        )
    assert code == 3
    assert b"HTTP 401" in err and b"Traceback" not in err
    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == ["catalog.json"]


def written(directory: Path) -> list[str]:
    """Return the names of the files in ``directory`` that hold some data."""
    return [entry.name for entry in os.scandir(directory) if entry.stat().st_size > 0]


class _BrokenSchemaFake(FakeWorkato):
    """Serves an unparseable input schema for one connector."""

    def input_schema(self, managed_user_id: str, connector_name: str) -> Any:
        if connector_name == "jms":
            return "not a list of fields"
        return super().input_schema(managed_user_id, connector_name)


async def test_marketplace_survives_failed_schemas_and_reports_them(tmp_path: Path) -> None:
    async with _BrokenSchemaFake(connectors=8) as fake:
        code, out, err = await run_module(
            "--base-url", fake.url, "--token", fake.token,
            "marketplace", "-o", str(tmp_path), "--with-schemas", "97",
        )  # fmt: skip
    assert code == 0, err.decode()
    assert b"input schema of jms" in err
    schemas = json.loads((tmp_path / "catalog.json").read_bytes())["schemas"]
    assert schemas["jms"] is None
    assert all(fields for name, fields in schemas.items() if name != "jms")


def test_console_script_sandbox_catalog_works_with_no_token() -> None:
    script = Path(sys.executable).with_name("workato-connectors")
    if not script.exists():
        pytest.skip(f"the console script is not installed next to {sys.executable}")
    done = subprocess.run(
        [str(script), "--sandbox", "catalog"], capture_output=True, env=cli_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    assert decode_catalog(done.stdout) == generate_catalog()
    assert done.stderr.decode().startswith("sandbox: a local fake Workato")
    assert done.stderr.count(b"\n") == 1


def test_help_imports_neither_rich_nor_the_sandbox() -> None:
    code = (
        "import sys; from workato_connectors.cli import main; main(['--help']); "
        "print(sorted({'rich', 'workato_connectors.testing'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=cli_env(), timeout=120
    )
    assert b"--sandbox" in done.stdout
    assert done.stdout.splitlines()[-1] == b"[]"


@posix_only
def test_broken_pipe_exits_141_without_a_traceback() -> None:
    argv = ["--sandbox-connectors", "5000", "catalog", "--format", "jsonl"]
    with subprocess.Popen(
        [sys.executable, "-m", "workato_connectors", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 141
    assert json.loads(first)["name"]
    assert b"Traceback" not in err and b"Exception ignored" not in err


@posix_only
async def test_ctrl_c_during_a_slow_catalog_exits_130_and_leaves_no_output_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "catalog.json"
    # 200 pages of 0.5 s each, 8 at a time: the run lasts far longer than the test needs.
    async with FakeWorkato(connectors=2000, per_page_cap=10, latency=0.5) as fake:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "workato_connectors", "--base-url", fake.url,
            "--token", fake.token, "catalog", "--output", str(target),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
        )  # fmt: skip
        try:
            # Interrupt once the first page is in the temporary file: the run is mid-stream.
            for _ in range(1200):
                if written(tmp_path) or proc.returncode is not None:
                    break
                await asyncio.sleep(0.1)
            assert [name.endswith(".part") for name in written(tmp_path)] == [True]
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 120)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 130, err.decode()
    assert err == b"error: interrupted\n" and out == b""
    assert os.listdir(tmp_path) == []


@posix_only
async def test_sandbox_command_serves_until_interrupted_and_exits_0() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "workato_connectors", "sandbox", "--port", "0", "--connectors", "7",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode()
        assert line.startswith("export ")
        settings = dict(pair.split("=", 1) for pair in shlex.split(line)[1:])
        async with WorkatoClient(
            settings["WORKATO_API_TOKEN"], base_url=settings["WORKATO_BASE_URL"]
        ) as client:
            catalog = await client.all_connectors()
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), 120)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert catalog == generate_catalog(7)
    assert proc.returncode == 0
    assert b"sandbox: stopped" in err and b"Traceback" not in err


@posix_only
@pytest.mark.parametrize("no_color", [False, True])
def test_a_terminal_gets_progress_bars_on_stderr_and_pure_json_on_stdout(
    no_color: bool,
) -> None:
    argv = ["-m", "workato_connectors", "--sandbox-connectors", "150", "schemas", "97", "--all"]
    code, out, err = run_on_terminal(argv, **({"NO_COLOR": "1"} if no_color else {}))
    assert code == 0, err.decode(errors="replace")
    assert list(json.loads(out)) == [c.name for c in generate_catalog(150)]
    assert b"Fetching the catalog" in err and b"Fetching input schemas" in err
    assert has_color(err) is not no_color


@posix_only
def test_without_rich_the_cli_still_works_and_names_the_extra_for_progress_bars() -> None:
    code = (
        "import sys; sys.modules['rich'] = None; "
        "from workato_connectors.cli import main; sys.exit(main())"
    )
    status, out, err = run_on_terminal(["-c", code, "--sandbox", "catalog"])
    assert status == 0, err.decode(errors="replace")
    assert decode_catalog(out) == generate_catalog()
    assert b"pip install 'workato-connectors[cli]'" in err


@posix_only
def test_a_catalog_streaming_to_the_terminal_gets_no_progress_bar_in_between() -> None:
    argv = ["-m", "workato_connectors", "--sandbox-connectors", "250", "catalog"]
    code, _, screen = run_on_terminal(argv, stdout_too=True)
    assert code == 0
    notice, data = screen.split(b"\r\n", 1)
    assert notice.startswith(b"sandbox: ")
    assert decode_catalog(data) == generate_catalog(250)
    assert b"Fetching" not in screen
