"""The client a command talks to: Workato itself, or the in-process sandbox.

It also holds the ``sandbox`` command, which serves the same fake in the foreground.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shlex
import signal
import sys
from collections.abc import AsyncIterator

from .._client import WorkatoClient
from .._config import BASE_URL_ENV, TOKEN_ENV
from .._exceptions import ConfigurationError
from .._ratelimit import RateLimit
from ._parser import DEFAULT_SANDBOX_CONNECTORS
from ._ui import UI

__all__ = ["MissingTokenError", "open_client", "serve_sandbox"]

log = logging.getLogger("workato_connectors.cli")

#: The sandbox has no rate limit, so by default neither does its client.
_UNLIMITED = RateLimit(1_000_000, 1.0)


class MissingTokenError(ConfigurationError):
    """No token was given and ``--sandbox`` was not asked for."""


@contextlib.asynccontextmanager
async def open_client(args: argparse.Namespace, ui: UI) -> AsyncIterator[WorkatoClient]:
    """Yield a client for the account the options name, or for an in-process sandbox.

    Raises:
        MissingTokenError: no ``--token``, no ``$WORKATO_API_TOKEN`` and no ``--sandbox``.
        ConfigurationError: another bad setting (e.g. a malformed ``--base-url``).
    """
    if not args.sandbox:
        if not (args.token or os.environ.get(TOKEN_ENV)):
            raise MissingTokenError(
                f"no API token: pass --token TOKEN or set ${TOKEN_ENV} (create one under "
                "Workspace admin > API clients), or try a local fake Workato with --sandbox, "
                "e.g. workato-connectors --sandbox catalog"
            )
        async with WorkatoClient(
            args.token,
            base_url=args.base_url,
            data_center=args.data_center,
            rate_limit=args.rate_limit,
            max_retries=args.max_retries,
            timeout=args.timeout,
        ) as client:
            log.debug("talking to %s", client.base_url)
            yield client
        return

    from ..testing import FakeWorkato  # only the sandbox pays for the catalog generator

    ignored = [name for name in ("token", "base_url") if getattr(args, name)]
    if ignored:
        log.debug("--sandbox: ignoring %s", ", ".join("--" + n.replace("_", "-") for n in ignored))
    size = args.sandbox_connectors
    async with FakeWorkato(connectors=DEFAULT_SANDBOX_CONNECTORS if size is None else size) as fake:
        ui.info(
            f"sandbox: a local fake Workato at {fake.url} with {len(fake.catalog)} generated "
            "connectors (drop --sandbox to use your account)"
        )
        async with WorkatoClient(
            fake.token,
            base_url=fake.url,
            rate_limit=args.rate_limit or _UNLIMITED,
            max_retries=args.max_retries,
            timeout=args.timeout,
        ) as client:
            yield client


async def _until_stopped() -> None:
    """Return on SIGINT or SIGTERM (where the loop can watch signals)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    watched = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows and non-main threads cannot; Ctrl-C then surfaces as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            watched.append(signum)
    try:
        await stop.wait()
    finally:
        for signum in watched:
            loop.remove_signal_handler(signum)


async def serve_sandbox(args: argparse.Namespace, ui: UI) -> int:
    """Serve a ``FakeWorkato`` until Ctrl-C (or SIGTERM); print how to point clients at it."""
    from ..testing import FakeWorkato

    fake = FakeWorkato(
        connectors=args.connectors, seed=args.seed, latency=args.latency, port=args.port
    )
    try:
        await fake.start()
    except OSError as exc:
        ui.error(
            f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}; "
            "pick another --port (0 picks a free one)"
        )
        return 1
    try:
        exports = f"{BASE_URL_ENV}={shlex.quote(fake.url)} {TOKEN_ENV}={shlex.quote(fake.token)}"
        print(f"export {exports}", flush=True)
        ui.info(
            f"sandbox: serving {len(fake.catalog)} connectors at {fake.url} "
            f"(token: {fake.token}); press Ctrl-C to stop"
        )
        await _until_stopped()
    finally:
        await fake.close()
    ui.info("sandbox: stopped")
    sys.stdout.flush()
    return 0
