"""Redis for the tests: a server on loopback, a key per test, and a worker process.

``redis_server_url`` uses ``$WORKATO_TEST_REDIS_URL`` when set (CI starts a server), else starts
``redis-server`` on a free loopback port in a temporary directory, else skips with the
reason (and fails instead when ``$CI`` is set, so CI never skips these tests silently).

Run as a script, this file is the worker of the multi-process tests::

    python tests/redis_support.py '{"mode": "acquire", ...}'

It prints ``ready`` once connected, waits for a line on stdin (a start barrier, so every
worker begins together), does its job and prints one JSON line with the results.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REDIS_URL_ENV = "WORKATO_TEST_REDIS_URL"
ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 15.0  # seconds for a redis-server to answer PING, generous for a busy machine


def ping(host: str, port: int, timeout: float = 0.5) -> bool:
    """Return whether a Redis server answers ``PING`` at host:port (speaks RESP directly)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def free_port() -> int:
    """Return a loopback TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """A throwaway ``redis-server`` on loopback, owned by the test process."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the server's URL (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers, or raise ``RuntimeError``."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("no redis-server on PATH (Debian: apt-get install redis-server)")
        self.directory.mkdir(parents=True, exist_ok=True)
        log = self.directory / f"redis-{self.port}.log"
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.directory), "--logfile", str(log)]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                tail = log.read_text()[-500:] if log.exists() else ""
                raise RuntimeError(f"redis-server exited at start: {err or tail}")
            if ping("127.0.0.1", self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} in {START_TIMEOUT}s")

    def stop(self) -> None:
        """Stop the server (it keeps no data)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None


def unavailable(reason: str) -> None:
    """Skip the test with ``reason``, or fail it when running in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"Redis is required in CI: {reason}", pytrace=False)
    pytest.skip(f"no Redis for the RedisLimiter tests: {reason}")


def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Yield the URL of a Redis server for the tests (see the module docstring).

    Meant for a session-scoped fixture: ``yield from redis_server_url(tmp_path_factory)``.
    """
    url = os.environ.get(REDIS_URL_ENV)
    if url:
        parts = urlsplit(url)
        if not ping(parts.hostname or "127.0.0.1", parts.port or 6379, timeout=2.0):
            pytest.fail(f"${REDIS_URL_ENV} is set but no Redis answers there", pytrace=False)
        yield url
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
    except RuntimeError as exc:
        unavailable(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


def unique_key(request: pytest.FixtureRequest) -> str:
    """Return a Redis key prefix that no other test (or run) uses."""
    return f"wc-test:{request.node.name[:40]}:{uuid.uuid4().hex[:10]}"


def max_in_window(times: Sequence[float], period: float) -> int:
    """Return the most events that fall in any half-open window ``(t - period, t]``."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - period:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_workers(jobs: Sequence[dict[str, Any]], *, limit: float = 120.0) -> list[Any]:
    """Run one worker process per job, start them together, and return their results.

    Each worker is ``python tests/redis_support.py JOB``; see ``worker``.
    """
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            json.dumps(job),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        for job in jobs
    ]
    try:
        async with asyncio.timeout(limit):
            for proc in procs:
                assert proc.stdout is not None
                line = await proc.stdout.readline()
                if line.strip() != b"ready":
                    err = await proc.stderr.read() if proc.stderr else b""
                    raise AssertionError(f"worker failed to start: {line!r} {err.decode()[-2000:]}")
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
                await proc.stdin.drain()
                proc.stdin.close()
            outputs = [await proc.communicate() for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    results = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        if proc.returncode != 0:
            raise AssertionError(f"worker exited {proc.returncode}: {err.decode()[-2000:]}")
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


def schema_jobs(
    fake: Any, redis_url: str, key: str, budget: Any, workers: int, each: int
) -> list[dict[str, object]]:
    """Return one ``schemas`` job per worker, each fetching ``each`` distinct schemas."""
    names = [c.name for c in fake.catalog]
    return [
        {
            "mode": "schemas",
            "name": f"w{w}",
            "redis_url": redis_url,
            "key": key,
            "requests": budget.requests,
            "period": budget.period,
            "token": fake.token,
            "base_url": fake.url,
            "pairs": [[w * 1000 + i + 1, names[i % len(names)]] for i in range(each)],
        }
        for w in range(workers)
    ]


async def worker(job: dict[str, Any]) -> Any:
    """Do one worker's job; print ``ready``, wait for ``go``, return the JSON-able result.

    Modes:
      - ``acquire``: ``tasks`` tasks take ``count`` slots in all from a ``RedisLimiter``;
        returns the wall-clock time each slot was granted.
      - ``schemas``: a ``WorkatoClient`` sharing a ``RedisLimiter`` fetches the input
        schema of every ``[managed_user_id, connector]`` pair in ``pairs`` (sending
        ``X-Worker: name``); returns the number of successes and of failures.
    """
    from workato_connectors import RateLimit
    from workato_connectors._redis import RedisLimiter

    budget = RateLimit(job["requests"], job["period"])
    async with RedisLimiter(job["redis_url"], key=job["key"], rate_limit=budget) as limiter:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        if job["mode"] == "acquire":
            return await take_slots(limiter, job["count"], job["tasks"])
        return await fetch_schemas(limiter, job)


async def take_slots(limiter: Any, count: int, tasks: int) -> list[float]:
    """Take ``count`` slots with ``tasks`` concurrent tasks; return each grant's time."""
    granted: list[float] = []
    left = iter(range(count))

    async def take() -> None:
        for _ in left:
            await limiter.acquire()
            granted.append(time.time())

    await asyncio.gather(*(take() for _ in range(tasks)))
    return granted


async def fetch_schemas(limiter: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Fetch input schemas through a client that shares ``limiter``."""
    from workato_connectors import WorkatoClient

    ok = failed = 0
    async with WorkatoClient(
        token=job["token"],
        base_url=job["base_url"],
        limiter=limiter,
        headers={"X-Worker": job["name"]},
    ) as client:
        pairs = [tuple(pair) for pair in job["pairs"]]
        async for result in client.input_schemas(pairs):
            if result.error is None:
                ok += 1
            else:
                failed += 1
    return {"ok": ok, "failed": failed}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(worker(json.loads(sys.argv[1])))), flush=True)
