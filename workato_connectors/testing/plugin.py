"""pytest plugin of workato-connectors: the ``fake_workato`` fixture.

pytest loads it automatically once the package is installed (entry point ``pytest11``),
so a test only has to ask for the fixture::

    async def test_my_app_lists_connectors(fake_workato):
        async with WorkatoClient(fake_workato.token, base_url=fake_workato.url) as client:
            assert await client.list_connectors(["jms"])

The fixture is async and needs pytest-asyncio. Without it the plugin still loads, and
the fixture fails with a message saying what to install.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.util import find_spec

import pytest

from ._server import FakeWorkato

__all__ = ["fake_workato"]

if find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    @pytest_asyncio.fixture(name="fake_workato")
    async def fake_workato() -> AsyncIterator[FakeWorkato]:
        """Yield a started ``FakeWorkato()`` with default settings; close it afterwards."""
        async with FakeWorkato() as fake:
            yield fake

else:  # pragma: no cover - depends on the environment

    @pytest.fixture(name="fake_workato")
    def fake_workato() -> None:
        """Fail: the async fixture needs pytest-asyncio."""
        pytest.fail(
            "the fake_workato fixture needs pytest-asyncio: "
            "pip install pytest-asyncio (or workato-connectors[test])",
            pytrace=False,
        )
