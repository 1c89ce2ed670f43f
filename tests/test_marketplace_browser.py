"""The marketplace of hand-made catalogs in a real browser: headless Chromium driven by Playwright.

Two sites, written by ``build_site``, are served from 127.0.0.1: ``small/`` (samples,
a deprecated app, a title that is a script tag, form previews) and ``large/`` (5,000
apps). Every request to any other origin is aborted and fails the test. Screenshots go
to ``test-artifacts/``. The site the CLI writes is in ``test_marketplace_browser_sandbox.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from browser_support import (
    ARTIFACTS,
    SAMPLES,
    cards,
    check_jms_managed_connection_swap,
)
from playwright.async_api import Page, expect

from workato_connectors import Connector, Operation, PickListOption, SchemaField
from workato_connectors._ngif import is_visible
from workato_connectors.marketplace import build_site

pytestmark = pytest.mark.asyncio(loop_scope="module")

XSS = "<script>alert(1)</script>"

FORM = [
    SchemaField(
        name="auth_type",
        label="Authentication",
        control_type="select",
        pick_list=(PickListOption("Basic", "basic"), PickListOption("API key", "api_key")),
    ),
    SchemaField(name="username", label="Username", ng_if="line.auth_type == 'basic'"),
    SchemaField(
        name="api_key",
        label="API key",
        control_type="password",
        ng_if="line.auth_type != 'basic' && line.auth_type",
    ),
    SchemaField(name="port", label="Port", control_type="integer"),
    SchemaField(name="tls", label="TLS certificate", ng_if="line.port == 443"),
    SchemaField(
        name="advanced",
        label="Advanced",
        type="object",
        properties=(
            SchemaField(name="verbose", label="Verbose logging", type="boolean"),
            SchemaField(
                name="level", label="Log level", control_type="integer", ng_if="line.verbose"
            ),
        ),
    ),
    SchemaField(name="audit", label="Audit trail", ng_if="line.advanced.verbose"),
    SchemaField(
        name="region",
        label="Region",
        control_type="select",
        pick_list=(PickListOption("Europe", "eu"),),
        toggle_hint="Select from list",
        toggle_field=SchemaField(
            name="region",
            label="Custom region",
            control_type="text",
            toggle_hint="Use custom value",
        ),
    ),
    SchemaField(name="endpoint", label="Regional endpoint", ng_if="line.region == 'mars-1'"),
    SchemaField(name="odd", label="Odd condition", ng_if="line.port >"),
]


def small_catalog() -> list[Connector]:
    raw = (SAMPLES / "integrations_google_drive_service_now.json").read_bytes()
    return [
        *msgspec.json.decode(raw, type=dict[str, list[Connector]])["items"],
        Connector(name="jms", title="JMS", categories=("Messaging",)),
        Connector(name="forms", title="Form Lab", categories=("Developer tools",)),
        Connector(name="evil", title=XSS, categories=("CRM",)),
        Connector(
            name="legacy_crm",
            title="Legacy CRM",
            categories=("CRM",),
            deprecated=True,
            actions=(
                Operation(name="bulk_export", title="Export in bulk", bulk=True),
                Operation(name="old_search", title="Old search", deprecated=True),
            ),
        ),
    ]


def large_catalog(size: int = 5000) -> list[Connector]:
    words = ["record", "invoice", "ticket", "lead", "file", "user", "order", "event"]
    return [
        Connector(
            name=f"app_{i:04d}",
            title=f"App {i:04d}",
            categories=(f"Category {i % 20}",),
            oauth=i % 3 == 0,
            deprecated=i % 7 == 0,
            triggers=tuple(Operation(name=f"new_{w}", title=f"New {w}") for w in words[:3]),
            actions=tuple(
                Operation(name=f"{verb}_{w}_{i}", title=f"{verb.title()} {w} {i}")
                for verb in ("create", "update", "search")
                for w in words
            ),
        )
        for i in range(size)
    ]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("marketplace")
    jms = msgspec.json.decode(
        (SAMPLES / "input_schema_jms.json").read_bytes(), type=dict[str, list[SchemaField]]
    )["result"]
    build_site(small_catalog(), root / "small", schemas={"jms": jms, "forms": FORM})
    build_site(large_catalog(), root / "large")
    return root


async def test_typing_a_search_narrows_the_cards_and_updates_the_count(page: Page) -> None:
    await page.goto("/small/index.html")
    await expect(page.locator("#count")).to_have_text("Showing 6 of 6 apps")

    await page.get_by_label("Search").press_sequentially("folder")
    await expect(page.locator("#count")).to_have_text("Showing 1 of 6 apps")
    await expect(cards(page)).to_have_count(1)
    await expect(cards(page).get_by_role("link")).to_have_text("Google Drive")
    await expect(page).to_have_url("/small/index.html?q=folder")

    await page.get_by_label("Search").fill("update INCIDENT")
    await expect(cards(page).get_by_role("link")).to_have_text(["ServiceNow"])
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "marketplace-search.png")


async def test_category_filter_and_hide_deprecated_combine(page: Page) -> None:
    await page.goto("/small/index.html")

    await page.get_by_label("Category").select_option("CRM")
    await expect(page.locator("#count")).to_have_text("Showing 2 of 6 apps")
    await page.get_by_label("Hide deprecated").check()
    await expect(cards(page).get_by_role("link")).to_have_text([XSS])
    await expect(page.locator("#count")).to_have_text("Showing 1 of 6 apps")

    await page.get_by_label("Search").fill("legacy")
    await expect(page.locator("#count")).to_have_text("Showing 0 of 6 apps")
    await expect(page.get_by_text("No apps match these filters.")).to_be_visible()
    await page.get_by_label("Hide deprecated").uncheck()
    await expect(cards(page).get_by_role("link")).to_have_text(["Legacy CRM"])
    await expect(page.get_by_text("No apps match these filters.")).to_be_hidden()


async def test_filters_work_from_the_keyboard_alone(page: Page) -> None:
    await page.goto("/small/index.html")
    await expect(page.get_by_role("search")).to_be_visible()

    await page.keyboard.press("/")
    await expect(page.get_by_role("searchbox", name="Search")).to_be_focused()
    await page.keyboard.type("new")
    await expect(page.locator("#count")).to_have_text("Showing 2 of 6 apps")
    await page.keyboard.press("Escape")
    await expect(page.locator("#count")).to_have_text("Showing 6 of 6 apps")

    await page.keyboard.press("Tab")
    await expect(page.get_by_role("combobox", name="Category")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("checkbox", name="Hide deprecated")).to_be_focused()
    await page.keyboard.press("Space")
    await expect(page.locator("#count")).to_have_text("Showing 5 of 6 apps")
    await expect(page.get_by_role("status").first).to_have_attribute("aria-live", "polite")


async def test_filters_are_read_from_the_query_string_for_links_and_embeds(page: Page) -> None:
    await page.goto("/small/index.html?category=CRM&hide_deprecated=1")

    await expect(page.get_by_label("Category")).to_have_value("CRM")
    await expect(page.get_by_label("Hide deprecated")).to_be_checked()
    await expect(page.locator("#count")).to_have_text("Showing 1 of 6 apps")


async def test_a_connector_titled_with_a_script_tag_shows_as_text(page: Page) -> None:
    await page.goto("/small/index.html")

    link = page.get_by_role("link", name=XSS)
    await expect(link).to_have_text(XSS)
    await link.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(XSS)
    await expect(page).to_have_title(f"{XSS} · App marketplace")


async def test_connector_page_lists_operations_with_their_flags(page: Page) -> None:
    await page.goto("/small/index.html")
    await page.get_by_role("link", name="Legacy CRM").click()

    await expect(page).to_have_url("/small/connectors/legacy_crm.html")
    actions = page.locator("#actions tbody tr")
    await expect(actions).to_have_count(2)
    await expect(actions.nth(0)).to_contain_text("Export in bulk")
    await expect(actions.nth(0).locator(".badge")).to_have_text(["Bulk"])
    await expect(actions.nth(1).locator(".badge")).to_have_text(["Deprecated"])
    await page.get_by_role("link", name="All apps").click()
    await expect(page.locator("#count")).to_have_text("Showing 6 of 6 apps")


async def test_jms_preview_swaps_fields_when_managed_connection_is_checked(page: Page) -> None:
    await page.goto("/small/connectors/jms.html")
    profile, provider = await check_jms_managed_connection_swap(page)
    await expect(page.get_by_role("link", name="here")).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "marketplace-jms.png", full_page=True)

    await page.get_by_label("Use managed connection").uncheck()
    await expect(profile).to_be_visible()
    await expect(provider).to_be_hidden()


async def test_preview_evaluates_equality_nesting_numbers_and_toggles(page: Page) -> None:
    await page.goto("/small/connectors/forms.html")
    for hidden in ("Username", "API key", "TLS certificate", "Log level", "Audit trail"):
        await expect(page.get_by_label(hidden)).to_be_hidden()
    await expect(page.get_by_label("Odd condition")).to_be_visible()
    await expect(page.locator('[data-field="odd"]')).to_have_attribute(
        "data-ngif-invalid", re.compile(".")
    )

    await page.get_by_label("Authentication").select_option("Basic")
    await expect(page.get_by_label("Username")).to_be_visible()
    await page.get_by_label("Authentication").select_option("API key")
    await expect(page.get_by_label("Username")).to_be_hidden()
    await expect(page.get_by_label("API key")).to_be_visible()

    await page.get_by_label("Port").fill("443")
    await expect(page.get_by_label("TLS certificate")).to_be_visible()
    await page.get_by_label("Port").fill("4430")
    await expect(page.get_by_label("TLS certificate")).to_be_hidden()

    await page.get_by_label("Verbose logging").check()
    await expect(page.get_by_label("Log level")).to_be_visible()
    await expect(page.get_by_label("Audit trail")).to_be_visible()

    await page.get_by_role("button", name="Use custom value").click()
    await page.get_by_label("Custom region").fill("mars-1")
    await expect(page.get_by_label("Regional endpoint")).to_be_visible()
    await page.get_by_role("button", name="Select from list").click()
    await expect(page.get_by_label("Regional endpoint")).to_be_hidden()


# Beyond the reference's conformance table: what the page may meet, good and bad.
EXTRA_EXPRESSIONS = [
    "!line.use_managed_connection",
    "line.provider == 'custom' && line.use_managed_connection",
    "line.a == 'x' || line.b == 2 && !line.c",
    "!line.a == 'x'",
    "line.a.b.c == null",
    'line.a == "\\x41\\t"',
    "line.a == .5",
    "line . a",
    "",
    "   ",
    "line.a ==",
    "line.a == line.b",
    "(line.a) == 'x'",
    "line.a == 'x' == 'y'",
    "window.alert(1)",
    "line['a']",
    "line.a = 1",
    "line.a == '\\u12'",
    "line.a == 1e999",
    "(" * 33 + "line.a" + ")" * 33,
    "(" * 32 + "line.a" + ")" * 32,
    "line.a || " * 300 + "line.b",
]
EXTRA_VALUES: list[dict[str, Any]] = [
    {},
    {"a": "x", "b": 2, "c": False, "use_managed_connection": True, "provider": "custom"},
    {"a": "A\t", "b": "2", "c": "false", "use_managed_connection": "false"},
    {"a": 0.5, "b": {"c": None}},
    {"a": {"b": {"c": 1}}},
]


def conformance_cases() -> list[tuple[str, dict[str, Any]]]:
    from test_ngif import CASES  # the reference evaluator's conformance table

    cases = [(expression, values) for expression, values, _ in CASES]
    return cases + [(e, v) for e in EXTRA_EXPRESSIONS for v in EXTRA_VALUES]


async def test_ngif_evaluator_agrees_with_the_python_reference(page: Page) -> None:
    cases = conformance_cases()
    await page.goto("/small/connectors/forms.html")

    in_browser = await page.evaluate(
        "cases => cases.map(([expr, line]) => WorkatoNgIf.visible(expr, line))",
        [list(case) for case in cases],
    )
    reference = [is_visible(SchemaField(name="f", ng_if=e), v) for e, v in cases]
    disagreements = [
        (expression, values, js, py)
        for (expression, values), js, py in zip(cases, in_browser, reference, strict=True)
        if js is not py
    ]
    assert disagreements == []
    assert len(cases) > 100


async def test_every_control_has_an_accessible_name(page: Page) -> None:
    for path in ("/small/index.html", "/small/connectors/forms.html"):
        await page.goto(path)
        await expect(page.locator("input, select, textarea").first).to_be_attached()
        unnamed = await page.evaluate(
            """() => [...document.querySelectorAll("input, select, textarea")]
                .filter(el => el.labels.length === 0 && !el.getAttribute("aria-label"))
                .map(el => el.id)"""
        )
        assert unnamed == [], path


async def test_five_thousand_cards_filter_as_you_type(page: Page) -> None:
    await page.goto("/large/index.html")
    await expect(page.locator("#count")).to_have_text("Showing 5,000 of 5,000 apps")
    # Hiding thousands of list items costs Chromium quadratic time; cards must be blocks.
    display = await page.locator("#cards > li").first.evaluate("el => getComputedStyle(el).display")
    assert display == "block"

    await page.get_by_label("Search").press_sequentially("invoice 4321")
    await expect(page.locator("#count")).to_have_text("Showing 1 of 5,000 apps")
    await expect(cards(page).get_by_role("link")).to_have_text(["App 4321"])

    await page.get_by_label("Search").fill("")
    await page.get_by_label("Category").select_option("Category 7")
    await page.get_by_label("Hide deprecated").check()
    expected = [
        c.title or c.name
        for c in large_catalog()
        if "Category 7" in c.categories and not c.deprecated
    ]
    await expect(page.locator("#count")).to_have_text(f"Showing {len(expected)} of 5,000 apps")
    await expect(cards(page).get_by_role("link")).to_have_text(sorted(expected))
