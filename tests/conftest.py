"""Shared fixtures: a FakeWorkato on loopback and a client bound to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from browser_support import Troubles, launch_chromium, open_page, serve_static
from playwright.async_api import Browser, Page

import workato_connectors
from workato_connectors import RateLimit, WorkatoClient
from workato_connectors.testing import FakeWorkato

#: A budget that never binds: tests of behaviour other than rate limiting use it.
UNBOUNDED = RateLimit(1_000_000, 1.0)


def client_for(fake: FakeWorkato, **kwargs: object) -> WorkatoClient:
    """Return a client for ``fake``, with an unbounded budget unless told otherwise."""
    kwargs.setdefault("rate_limit", UNBOUNDED)
    return WorkatoClient(token=fake.token, base_url=fake.url, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def fake() -> AsyncIterator[FakeWorkato]:
    async with FakeWorkato(connectors=300) as server:
        yield server


@pytest.fixture
async def client(fake: FakeWorkato) -> AsyncIterator[WorkatoClient]:
    async with client_for(fake) as c:
        yield c


async def settle() -> None:
    """Let cancelled tasks finish: a few turns of the loop."""
    for _ in range(5):
        await asyncio.sleep(0)


def other_tasks() -> set[asyncio.Task[object]]:
    """Return the SDK's own tasks still alive (not the fake server's, not the test's)."""
    package = Path(workato_connectors.__file__).parent
    mine = set()
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        path = Path(code.co_filename) if code else None
        if path and path.is_relative_to(package) and "testing" not in path.parts:
            mine.add(task)
    return mine


# -- the browser tests: one Chromium per module, serving the module's own ``sites`` fixture --


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def origin(sites: Path) -> AsyncIterator[str]:
    """Serve the module's ``sites`` directory on loopback; yield its URL."""
    async with serve_static(sites) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Launch Debian's Chromium once per module."""
    async with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def troubles() -> Iterator[Troubles]:
    """Collect script errors, CSP violations and dialogs; fail the test if any."""
    found = Troubles()
    yield found
    found.assert_none()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser, origin: str, troubles: Troubles) -> AsyncIterator[Page]:
    """Open a tab that blocks other origins and records troubles."""
    async with open_page(browser, origin, troubles) as tab:
        yield tab
