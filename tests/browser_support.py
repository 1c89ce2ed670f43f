"""Helpers of the marketplace browser tests: headless Chromium, a static server, trouble checks.

Each browser test module wraps these in its own module-scoped fixtures, so a module
launches one browser and serves its own sites from 127.0.0.1. Every request to another
origin is aborted and recorded as a trouble, and so are script errors (Content-Security-
Policy violations among them) and dialogs.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    Request,
    Route,
    async_playwright,
    expect,
)

# Debian's chromium package; Playwright drives it, no browser download.
CHROMIUM = os.environ.get("WORKATO_TEST_CHROMIUM", "/usr/bin/chromium")
HAVE_CHROMIUM = Path(CHROMIUM).is_file()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: the machine is small and shared with other suites.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)

SAMPLES = Path(__file__).parent / "samples"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@asynccontextmanager
async def serve_static(root: Path) -> AsyncIterator[str]:
    """Serve the files under ``root`` on 127.0.0.1 and yield the origin, e.g. ``http://...``."""
    app = web.Application()
    app.router.add_static("/", root)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def launch_chromium() -> AsyncIterator[Browser]:
    """Launch headless Chromium, or skip (fail on CI) when it is not installed."""
    if not HAVE_CHROMIUM:
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium"
        # On CI a missing browser is a broken setup, elsewhere a missing optional tool.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=2 * TIMEOUT_MS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


class Troubles:
    """What went wrong in a page: script errors, dialogs, requests to other origins."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []

    def assert_none(self) -> None:
        """Fail the test if anything went wrong."""
        assert self.errors == [], "script errors"
        assert self.dialogs == [], "a dialog opened: markup from data ran as code"
        assert self.foreign == [], "the site requested another origin"


@asynccontextmanager
async def open_page(browser: Browser, origin: str, troubles: Troubles) -> AsyncIterator[Page]:
    """Open a tab in a fresh context whose relative URLs resolve against ``origin``.

    Requests to any other origin are aborted; they, script errors and dialogs go to
    ``troubles``.
    """
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, base_url=origin)
    context.set_default_timeout(TIMEOUT_MS)

    async def gate(route: Route, request: Request) -> None:
        if request.url.startswith(origin + "/"):
            await route.continue_()
        else:
            troubles.foreign.append(request.url)
            await route.abort()

    await context.route("**/*", gate)
    tab = await context.new_page()

    async def on_dialog(dialog: Dialog) -> None:
        troubles.dialogs.append(dialog.message)
        await dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        # Content-Security-Policy violations are reported here.
        if message.type == "error":
            troubles.errors.append(message.text)

    tab.on("pageerror", lambda error: troubles.errors.append(str(error)))
    tab.on("console", on_console)
    tab.on("dialog", on_dialog)
    try:
        yield tab
    finally:
        await context.close()


def cards(page: Page) -> Locator:
    """Return the cards of the index that the filters leave visible."""
    return page.locator("#cards > li.card:visible")


def showing(shown: int, total: int) -> str:
    """Return the index's count line, e.g. ``Showing 1,234 of 5,000 apps``."""
    return f"Showing {shown:,} of {total:,} apps"


async def check_jms_managed_connection_swap(page: Page) -> tuple[Locator, Locator]:
    """On an open jms page, tick the managed-connection stand-in and see the fields swap.

    Returns the ``profile`` and ``provider`` inputs, with "Amazon SQS" picked.
    """
    profile = page.get_by_label("On-prem connection profile")
    provider = page.get_by_label("Provider")
    await expect(profile).to_be_visible()
    await expect(provider).to_be_hidden()
    await expect(page.locator("#preview-status")).to_have_text("2 of 3 fields shown")
    await page.get_by_label("Use managed connection").check()
    await expect(provider).to_be_visible()
    await expect(profile).to_be_hidden()
    await provider.select_option("Amazon SQS")
    await expect(provider.locator("option:checked")).to_have_text("Amazon SQS")
    return profile, provider
