"""The site of ``workato-connectors --sandbox marketplace`` in a real browser: headless
Chromium driven by Playwright.

The command writes ``sandbox/`` exactly as a user would run it, and a static server serves
it from 127.0.0.1. Every request to any other origin is aborted and fails the test.
Screenshots go to ``test-artifacts/``. Hand-made catalogs are in ``test_marketplace_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    cards,
    check_jms_managed_connection_swap,
    showing,
)
from playwright.async_api import Page, expect

from workato_connectors import Connector, visible_fields
from workato_connectors.cli import main
from workato_connectors.testing import generate_catalog, generate_input_schema

pytestmark = pytest.mark.asyncio(loop_scope="module")

# -- what the sandbox serves, and so what its site must show ----------------------------------

SANDBOX = generate_catalog()  # the catalog of `--sandbox` (its default size and seed)
SANDBOX_JMS = next(c for c in SANDBOX if c.name == "jms")


def search_text(connector: Connector) -> str:
    """Return what the index's search matches: names and titles of the app and its operations."""
    titles = [op.title or "" for op in (*connector.triggers, *connector.actions)]
    return "\n".join([connector.name, connector.title or "", *titles]).lower()


def card_titles(connectors: Sequence[Connector]) -> list[str]:
    """Return the titles of the cards of ``connectors``, in the order of the index."""
    ordered = sorted(connectors, key=lambda c: ((c.title or c.name).casefold(), c.name))
    return [c.title or c.name for c in ordered]


def simple_condition() -> tuple[str, str, str, str]:
    """Find a sandbox form where picking one option of a select reveals another field.

    Returns the names of the connector and of the select, the option's label and the name
    of the field it reveals, checked against the Python reference evaluator.
    """
    for connector in SANDBOX:
        fields = generate_input_schema(connector.name)
        selects = {f.name: f for f in fields if isinstance(f.pick_list, tuple)}
        for field in fields:
            match = re.fullmatch(r"line\.(\w+) == '([^']*)'", field.ng_if or "")
            if not match or match[1] not in selects:
                continue
            select = selects[match[1]]
            assert isinstance(select.pick_list, tuple)
            for option in select.pick_list:
                if option.value == match[2]:
                    assert field not in visible_fields(fields, {})
                    assert field in visible_fields(fields, {select.name: option.value})
                    return connector.name, select.name, option.label, field.name
    raise AssertionError("no sandbox form reveals a field on a select's option")


def run_cli_marketplace(out_dir: Path) -> None:
    """Run ``workato-connectors --sandbox marketplace --output out_dir``."""
    # asyncio.run gets a thread of its own, away from the test's event loop.
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(main, ["--sandbox", "marketplace", "--output", str(out_dir)]).result()
    assert code == 0


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("marketplace")
    run_cli_marketplace(root / "sandbox")
    return root


async def test_sandbox_site_searches_filters_by_category_and_hides_deprecated(
    page: Page,
) -> None:
    total = len(SANDBOX)
    query = "message"
    found = [c for c in SANDBOX if query in search_text(c)]
    category = SANDBOX_JMS.categories[0]
    in_category = [c for c in SANDBOX if category in c.categories]
    current = [c for c in in_category if not c.deprecated]
    # Otherwise these filters would prove nothing.
    assert 1 < len(found) < total and 0 < len(current) < len(in_category) < total

    await page.goto("/sandbox/index.html")
    await expect(page.locator("#count")).to_have_text(showing(total, total))
    await expect(cards(page)).to_have_count(total)

    await page.get_by_label("Search").press_sequentially(query)
    await expect(page.locator("#count")).to_have_text(showing(len(found), total))
    await expect(cards(page).get_by_role("link")).to_have_text(card_titles(found))
    await expect(page).to_have_url(f"/sandbox/index.html?q={query}")

    await page.get_by_label("Search").fill("")
    await page.get_by_label("Category").select_option(category)
    await expect(page.locator("#count")).to_have_text(showing(len(in_category), total))
    await expect(cards(page).get_by_role("link")).to_have_text(card_titles(in_category))
    await page.get_by_label("Hide deprecated").check()
    await expect(page.locator("#count")).to_have_text(showing(len(current), total))
    await expect(cards(page)).to_have_count(len(current))
    await expect(cards(page).get_by_role("link")).to_have_text(card_titles(current))
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "marketplace-sandbox-filters.png")


async def test_sandbox_site_jms_page_previews_the_managed_connection_swap(page: Page) -> None:
    await page.goto("/sandbox/index.html")
    await page.get_by_label("Search").fill("jms")
    await expect(cards(page).get_by_role("link")).to_have_text([SANDBOX_JMS.title or "jms"])
    await cards(page).get_by_role("link").click()
    await expect(page).to_have_url("/sandbox/connectors/jms.html")

    await check_jms_managed_connection_swap(page)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "marketplace-sandbox-jms.png", full_page=True)


async def test_sandbox_site_preview_reveals_a_field_when_its_option_is_picked(
    page: Page,
) -> None:
    name, select, option, revealed = simple_condition()
    await page.goto(f"/sandbox/connectors/{name}.html")
    field = page.locator(f'[data-field="{revealed}"]')
    await expect(field).to_be_hidden()
    await page.locator(f'[data-field="{select}"] select').select_option(label=option)
    await expect(field).to_be_visible()
    await expect(field.locator("input, select, textarea").first).to_be_visible()
