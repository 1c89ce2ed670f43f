"""Helpers of the command-line tests: a clean environment, decoding, terminals."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading

import msgspec
import pytest

from workato_connectors import Connector
from workato_connectors.cli import main
from workato_connectors.testing import FakeWorkato

#: Environment variables that steer the CLI or rich; tests start without them.
ENV_PREFIXES = ("WORKATO_", "FORCE_COLOR", "NO_COLOR", "TTY_", "COLUMNS")
# An SGR sequence ("\x1b[...m") whose parameters set a foreground or background colour.
_SGR = re.compile(rb"\x1b\[([0-9;]*)m")
_COLOR_PARAMS = re.compile(r"^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$")


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove the environment variables that would steer the CLI or rich, for one test."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)


def decode_catalog(data: str | bytes) -> list[Connector]:
    """Decode a JSON array of connectors."""
    return msgspec.json.decode(data, type=list[Connector])


def has_color(stream: bytes) -> bool:
    """Return whether ``stream`` holds an ANSI escape that sets a colour."""
    return any(
        _COLOR_PARAMS.match(param)
        for match in _SGR.finditer(stream)
        for param in match.group(1).decode().split(";")
    )


def cli_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without settings that would steer the CLI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    return {**env, **extra}


def run_on_terminal(
    argv: list[str], *, stdout_too: bool = False, **env: str
) -> tuple[int, bytes, bytes]:
    """Run ``python argv`` with stderr (and maybe stdout) on a pseudo-terminal.

    Returns the exit code, what reached the stdout pipe and what reached the terminal.
    """
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, *argv],
        stdout=slave if stdout_too else subprocess.PIPE,
        stderr=slave,
        env=cli_env(TERM="xterm-256color", COLUMNS="100", **env),
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        out, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
        reader.join(10)
        os.close(master)
    return proc.returncode, out or b"", b"".join(chunks)


def closed_port() -> int:
    """Return a loopback port that nothing listens on (it was free a moment ago)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_cli(*argv: str) -> int:
    """Run ``main(argv)`` in a worker thread, so a FakeWorkato keeps serving on this loop."""
    return await asyncio.to_thread(main, list(argv))


def account(fake: FakeWorkato, *argv: str, retries: int = 0) -> list[str]:
    """Return the options that point the CLI at ``fake`` with few retries, then ``argv``."""
    return [
        "--base-url", fake.url, "--token", fake.token,
        "--rate-limit", "1000/1", "--max-retries", str(retries), *argv,
    ]  # fmt: skip
