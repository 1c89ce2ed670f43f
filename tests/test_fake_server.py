"""FakeWorkato over real HTTP on 127.0.0.1, driven by a plain aiohttp client."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import msgspec
import pytest
import yarl

from workato_connectors import Connector, ConnectorPage, SchemaField
from workato_connectors.testing import FakeWorkato, RecordedRequest, all_field_shapes_schema
from workato_connectors.testing._catalog import load_data

pytest_plugins = ["pytester"]

AUTH = {"Authorization": "Bearer test-token"}
ALL = "/api/integrations/all"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return msgspec.json.decode(self.body)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def fetch(
    http: aiohttp.ClientSession,
    fake: FakeWorkato,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Reply:
    """GET ``path`` (sent as is, no re-encoding) with the fake's token unless told otherwise."""
    url = yarl.URL(fake.url + path, encoded=True)
    async with http.get(url, headers=AUTH if headers is None else headers, **kwargs) as r:
        return Reply(r.status, dict(r.headers), await r.read())


def schema_path(user: str, connector: str) -> str:
    return f"/api/v2/managed_users/{user}/connectors/{connector}/input_schema"


# -- auth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Token test-token"}],
    ids=["missing", "wrong-token", "wrong-scheme"],
)
async def test_requests_without_the_right_bearer_token_get_401(fake_workato, http, headers):
    reply = await fetch(http, fake_workato, ALL, headers=headers)
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert reply.headers["Content-Type"].startswith("application/json")


async def test_the_bearer_scheme_is_case_insensitive_but_the_token_is_not(fake_workato, http):
    assert (
        await fetch(http, fake_workato, ALL, headers={"Authorization": "bearer test-token"})
    ).status == 200
    assert (
        await fetch(http, fake_workato, ALL, headers={"Authorization": "Bearer TEST-TOKEN"})
    ).status == 401


# -- /api/integrations/all ------------------------------------------------------------------


async def test_page_and_per_page_default_to_one(fake_workato, http):
    body = (await fetch(http, fake_workato, ALL)).json()
    assert (body["page"], body["per_page"], body["count"]) == (1, 1, 300)
    assert [c["name"] for c in body["items"]] == [fake_workato.catalog[0].name]


async def test_per_page_above_100_is_capped_and_the_effective_value_reported(fake_workato, http):
    page = msgspec.json.decode(
        (await fetch(http, fake_workato, ALL, params={"per_page": "250", "page": "2"})).body,
        type=ConnectorPage,
    )
    assert (page.page, page.per_page, page.count) == (2, 100, 300)
    assert list(page.items) == fake_workato.catalog[100:200]


async def test_per_page_cap_lowers_the_page_size_and_can_change_mid_walk(http):
    async with FakeWorkato(connectors=60, per_page_cap=25) as fake:
        assert (await fetch(http, fake, ALL, params={"per_page": "100"})).json()["per_page"] == 25
        fake.per_page_cap = 10
        body = (await fetch(http, fake, ALL, params={"per_page": "100"})).json()
        assert (body["per_page"], len(body["items"])) == (10, 10)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "-3"}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"per_page": "1.5"}, "per_page"),
        ({"per_page": ""}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
    ],
)
async def test_bad_page_or_per_page_is_a_400_naming_the_field(fake_workato, http, query, field):
    reply = await fetch(http, fake_workato, ALL, params=query)
    assert reply.status == 400
    body = reply.json()
    assert body["message"]
    assert list(body["errors"]) == [field] and body["errors"][field]


async def test_a_page_past_the_end_is_empty_and_keeps_the_count(fake_workato, http):
    body = (await fetch(http, fake_workato, ALL, params={"page": "4", "per_page": "100"})).json()
    assert body == {"items": [], "count": 300, "page": 4, "per_page": 100}


async def test_pages_put_together_give_the_whole_catalog_in_order(fake_workato, http):
    items: list[Connector] = []
    for number in (1, 2, 3):
        reply = await fetch(http, fake_workato, ALL, params={"page": number, "per_page": 100})
        items.extend(msgspec.json.decode(reply.body, type=ConnectorPage).items)
    assert items == fake_workato.catalog


async def test_catalog_changes_show_on_the_next_request(fake_workato, http):
    fake_workato.catalog.append(Connector(name="zzz_late_arrival"))
    body = (await fetch(http, fake_workato, ALL, params={"page": "301"})).json()
    assert body["count"] == 301 and body["items"][0]["name"] == "zzz_late_arrival"
    listed = await fetch(http, fake_workato, "/api/integrations?applications=zzz_late_arrival")
    assert [c["name"] for c in listed.json()["items"]] == ["zzz_late_arrival"]


class RepeatingFake(FakeWorkato):
    """Answers page 1 to every page request and claims a huge catalog."""

    def page_body(self, page: int, per_page: int) -> dict[str, Any]:
        return {**super().page_body(1, per_page), "page": page, "count": 10**6}


async def test_subclasses_override_the_page_body(http):
    async with RepeatingFake(connectors=20) as fake:
        first = (await fetch(http, fake, ALL, params={"page": "1", "per_page": "5"})).json()
        fifth = (await fetch(http, fake, ALL, params={"page": "5", "per_page": "5"})).json()
    assert first["items"] == fifth["items"] and fifth["page"] == 5 and fifth["count"] == 10**6


# -- /api/integrations ----------------------------------------------------------------------


async def test_applications_come_back_in_the_order_asked_without_unknown_names(fake_workato, http):
    reply = await fetch(
        http, fake_workato, "/api/integrations", params={"applications": "service_now,nope,jms"}
    )
    assert [c["name"] for c in reply.json()["items"]] == ["service_now", "jms"]


async def test_applications_may_come_in_a_json_body_on_get(fake_workato, http):
    reply = await fetch(
        http, fake_workato, "/api/integrations", json={"applications": "google_drive,service_now"}
    )
    sample = msgspec.json.decode(load_data("integrations_google_drive_service_now.json"))
    assert reply.json() == sample


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"params": {"applications": ""}},
        {"params": {"applications": " , ,"}},
        {"json": {}},
        {"data": b"not json", "headers": {**AUTH, "Content-Type": "application/json"}},
    ],
    ids=["missing", "empty", "only-commas", "empty-body", "invalid-body"],
)
async def test_missing_applications_are_a_400(fake_workato, http, kwargs):
    reply = await fetch(http, fake_workato, "/api/integrations", **kwargs)
    assert reply.status == 400
    assert "applications" in reply.json()["errors"]


# -- input schemas --------------------------------------------------------------------------


async def test_input_schema_of_jms_is_the_documented_sample(fake_workato, http):
    reply = await fetch(http, fake_workato, schema_path("97", "jms"))
    assert reply.status == 200
    assert reply.json() == msgspec.json.decode(load_data("input_schema_jms.json"))


@pytest.mark.parametrize("user", ["1", "1000000000", "EA2300", "E%2Fteam%2F7", "E%20x"])
async def test_numeric_ids_and_external_ids_are_managed_users(fake_workato, http, user):
    reply = await fetch(http, fake_workato, schema_path(user, "google_drive"))
    assert reply.status == 200
    fields = msgspec.json.decode(reply.body, type=dict[str, list[SchemaField]])["result"]
    assert 2 <= len(fields) <= 10


@pytest.mark.parametrize("user", ["0", "1000000001", "A2300", "E", "12%2F34", "abc"])
async def test_other_managed_user_ids_are_404_even_with_an_encoded_slash(fake_workato, http, user):
    reply = await fetch(http, fake_workato, schema_path(user, "jms"))
    assert reply.status == 404
    assert reply.json() == {"message": "Managed user not found"}
    assert fake_workato.requests[-1].path == schema_path(user, "jms")


@pytest.mark.parametrize("connector", ["no_such_connector", "jms%2Fx", "google%5Fdrive%2F"])
async def test_unknown_connectors_are_404(fake_workato, http, connector):
    reply = await fetch(http, fake_workato, schema_path("97", connector))
    assert (reply.status, reply.json()) == (404, {"message": "Connector not found"})


async def test_a_percent_encoded_connector_name_is_decoded(fake_workato, http):
    assert (await fetch(http, fake_workato, schema_path("97", "j%6Ds"))).status == 200


async def test_schema_overrides_are_served_as_given(fake_workato, http):
    fake_workato.schemas["jms"] = all_field_shapes_schema()
    reply = await fetch(http, fake_workato, schema_path("EX", "jms"))
    fields = msgspec.json.decode(reply.body, type=dict[str, list[SchemaField]])["result"]
    assert fields == all_field_shapes_schema()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nothing"),
        ("GET", "/api/integrations/all/"),
        ("POST", ALL),
        ("GET", "/api/v2/managed_users/97/connectors/a/b/input_schema"),
    ],
)
async def test_anything_else_is_a_json_404(fake_workato, http, method, path):
    async with http.request(method, fake_workato.url + path, headers=AUTH) as r:
        assert r.status == 404
        assert msgspec.json.decode(await r.read()) == {"message": "Not found"}


# -- request log ----------------------------------------------------------------------------


async def test_the_request_log_keeps_raw_paths_queries_headers_status_and_times(fake_workato, http):
    await fetch(http, fake_workato, schema_path("E%2Fa%20b", "jms") + "?x=1%2C2")
    await fetch(http, fake_workato, ALL, headers={})
    first, second = fake_workato.requests
    assert isinstance(first, RecordedRequest)
    assert first.method == "GET"
    assert first.path == "/api/v2/managed_users/E%2Fa%20b/connectors/jms/input_schema"
    assert first.query == {"x": "1,2"}
    assert first.headers["Authorization"] == "Bearer test-token"
    assert (first.status, second.status) == (200, 401)
    assert first.finished is not None and first.started <= first.finished <= second.started
    fake_workato.reset()
    assert fake_workato.requests == []


# -- latency and fault knobs ----------------------------------------------------------------


async def test_latency_delays_every_response_and_can_change(fake_workato, http):
    fake_workato.latency = 0.2
    assert (await fetch(http, fake_workato, ALL, headers={})).status == 401
    await fetch(http, fake_workato, ALL)
    fake_workato.latency = 0
    await fetch(http, fake_workato, ALL)
    waits = [r.finished - r.started for r in fake_workato.requests if r.finished]
    assert len(waits) == 3 and waits[0] >= 0.2 and waits[1] >= 0.2
    assert fake_workato.latency == 0.0


@pytest.mark.parametrize("status", [400, 404, 429, 502, 503])
async def test_fail_next_answers_json_with_a_message(fake_workato, http, status):
    fake_workato.fail_next(1, status)
    reply = await fetch(http, fake_workato, ALL)
    assert reply.status == status
    assert list(reply.json()) == ["message"] and reply.json()["message"]
    assert (await fetch(http, fake_workato, ALL)).status == 200
    assert fake_workato.rate_limited == (status == 429)


async def test_an_injected_500_carries_an_error_id(fake_workato, http):
    fake_workato.fail_next(1, 500)
    body = (await fetch(http, fake_workato, ALL)).json()
    assert set(body) == {"message", "id"} and body["id"]


async def test_fail_next_can_send_a_proxy_html_page(fake_workato, http):
    fake_workato.fail_next(1, 502, html=True)
    reply = await fetch(http, fake_workato, ALL)
    assert reply.status == 502
    assert reply.headers["Content-Type"].startswith("text/html")
    assert b"<h1>502 Bad Gateway</h1>" in reply.body
    with pytest.raises(msgspec.DecodeError):
        reply.json()


@pytest.mark.parametrize(
    ("retry_after", "header"),
    [(2, "2"), (0.25, "0.25"), ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT")],
)
async def test_fail_next_sends_retry_after_as_given(fake_workato, http, retry_after, header):
    fake_workato.fail_next(1, 503, retry_after=retry_after)
    assert (await fetch(http, fake_workato, ALL)).headers["Retry-After"] == header


async def test_fail_next_batches_queue_in_the_order_armed(fake_workato, http):
    fake_workato.fail_next(2, 503)
    fake_workato.fail_next(1, 429, retry_after=1)
    statuses = [(await fetch(http, fake_workato, ALL)).status for _ in range(4)]
    assert statuses == [503, 503, 429, 200]


async def test_malformed_next_sends_200_with_a_body_that_does_not_parse(fake_workato, http):
    fake_workato.malformed_next(1)
    reply = await fetch(http, fake_workato, ALL)
    assert reply.status == 200 and reply.body
    with pytest.raises(msgspec.DecodeError):
        reply.json()
    assert (await fetch(http, fake_workato, ALL)).json()["count"] == 300


async def test_drop_next_closes_the_connection_without_a_response(fake_workato, http):
    fake_workato.drop_next(2)  # aiohttp silently retries a GET once after a disconnect
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await fetch(http, fake_workato, ALL)
    assert 1 <= len(fake_workato.requests) <= 2
    assert all(r.status is None for r in fake_workato.requests)
    fake_workato.reset()
    assert (await fetch(http, fake_workato, ALL)).status == 200


async def test_a_short_stall_delays_a_normal_answer(fake_workato, http):
    fake_workato.stall_next(1, 0.3)
    assert (await fetch(http, fake_workato, ALL)).status == 200
    await fetch(http, fake_workato, ALL)
    stalled, normal = fake_workato.requests
    assert stalled.finished is not None and stalled.finished - stalled.started >= 0.3
    assert normal.status == 200


async def test_closing_ends_a_stall_at_once_and_cleanly(http, caplog):
    stall = 60.0
    fake = FakeWorkato(connectors=10)
    await fake.start()
    try:
        fake.stall_next(5, stall)
        pending = asyncio.ensure_future(fetch(http, fake, ALL))
        for _ in range(1000):  # until the request is in, bounded
            if fake.requests:
                break
            await asyncio.sleep(0.01)
        assert fake.requests
        started = time.monotonic()
        await fake.close()
        elapsed = time.monotonic() - started
    finally:
        await fake.close()
    with pytest.raises(aiohttp.ClientError):  # a disconnect, or a refused retry
        await pending
    assert elapsed < stall / 4
    assert fake.requests[0].status is None
    gc.collect()
    await asyncio.sleep(0)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_401_or_a_429_consumes_no_armed_fault(fake_workato, http):
    fake_workato.set_rate_limit(1, 60.0)
    fake_workato.fail_next(1, 503)
    assert (await fetch(http, fake_workato, ALL, headers={})).status == 401
    assert (await fetch(http, fake_workato, ALL)).status == 503
    fake_workato.malformed_next(1)
    assert (await fetch(http, fake_workato, ALL)).status == 429
    fake_workato.set_rate_limit(None)
    with pytest.raises(msgspec.DecodeError):
        (await fetch(http, fake_workato, ALL)).json()


async def test_every_armed_counter_is_consumed_once_per_request(fake_workato, http):
    fake_workato.stall_next(1, 0.2)
    fake_workato.fail_next(1, 503)
    fake_workato.malformed_next(2)
    first = await fetch(http, fake_workato, ALL)  # stalls, then the failure wins
    second = await fetch(http, fake_workato, ALL)
    third = await fetch(http, fake_workato, ALL)
    assert first.status == 503 and first.json()["message"]
    assert second.status == 200
    with pytest.raises(msgspec.DecodeError):
        second.json()
    assert third.json()["count"] == 300
    record = fake_workato.requests[0]
    assert record.finished is not None and record.finished - record.started >= 0.2


async def test_reset_disarms_faults_and_keeps_settings(fake_workato, http):
    fake_workato.fail_next(3, 500)
    fake_workato.per_page_cap = 7
    fake_workato.reset()
    reply = await fetch(http, fake_workato, ALL, params={"per_page": "50"})
    assert (reply.status, reply.json()["per_page"]) == (200, 7)


# -- rate limit -----------------------------------------------------------------------------


async def test_the_strict_window_never_accepts_more_than_the_budget(fake_workato, http):
    fake_workato.set_rate_limit(5, 60.0)
    replies = await asyncio.gather(*(fetch(http, fake_workato, ALL) for _ in range(20)))
    assert sorted(r.status for r in replies) == [200] * 5 + [429] * 15
    assert fake_workato.rate_limited == 15
    for reply in (r for r in replies if r.status == 429):
        assert reply.json() == {"message": "Too many requests"}
        assert re.fullmatch(r"\d+\.\d{3}", reply.headers["Retry-After"])
        assert 0 < float(reply.headers["Retry-After"]) <= 60.0


async def test_no_window_of_the_log_holds_more_accepted_requests_than_the_budget(
    fake_workato, http
):
    budget, period = 3, 0.1
    fake_workato.set_rate_limit(budget, period)

    async def worker() -> None:
        for _ in range(15):
            await fetch(http, fake_workato, ALL)
            await asyncio.sleep(0.02)

    await asyncio.gather(*(worker() for _ in range(4)))
    accepted = sorted(r.started for r in fake_workato.requests if r.status == 200)
    assert budget < len(accepted) < 60 and fake_workato.rate_limited == 60 - len(accepted)
    spans = [last - first for first, last in zip(accepted, accepted[budget:], strict=False)]
    assert min(spans) >= period


async def test_waiting_retry_after_is_enough_to_get_in(fake_workato, http):
    fake_workato.set_rate_limit(1, 0.3)
    for _ in range(50):  # until the window is caught full, bounded
        reply = await fetch(http, fake_workato, ALL)
        if reply.status == 429:
            break
    assert reply.status == 429
    await asyncio.sleep(float(reply.headers["Retry-After"]))
    assert (await fetch(http, fake_workato, ALL)).status == 200
    fake_workato.set_rate_limit(None)
    statuses = {(await fetch(http, fake_workato, ALL)).status for _ in range(5)}
    assert statuses == {200}


# -- settings and lifecycle -----------------------------------------------------------------


async def test_an_explicit_connector_list_is_served_as_given(http):
    connectors = [Connector(name="b_app"), Connector(name="a_app", title=None)]
    async with FakeWorkato(connectors=connectors, token="other") as fake:
        reply = await fetch(
            http, fake, ALL, params={"per_page": "10"}, headers={"Authorization": "Bearer other"}
        )
    assert [c["name"] for c in reply.json()["items"]] == ["b_app", "a_app"]


async def test_start_close_and_url_follow_the_lifecycle():
    fake = FakeWorkato(connectors=3)
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url
    await fake.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake.url)
        with pytest.raises(RuntimeError, match="already running"):
            await fake.start()
    finally:
        await fake.close()
    await fake.close()
    assert "not running" in repr(fake) and "test-token" not in repr(fake)


# -- pytest plugin --------------------------------------------------------------------------


async def test_the_fixture_yields_a_running_default_fake(fake_workato, http):
    assert isinstance(fake_workato, FakeWorkato)
    assert (len(fake_workato.catalog), fake_workato.token) == (300, "test-token")
    assert (await fetch(http, fake_workato, ALL)).status == 200


def test_without_pytest_asyncio_the_plugin_loads_and_the_fixture_says_what_to_install(pytester):
    pytester.makeconftest(
        "import sys\n"
        "sys.modules['pytest_asyncio'] = None  # as if it were not installed\n"
        "pytest_plugins = ['workato_connectors.testing.plugin']\n"
    )
    pytester.makepyfile("def test_uses_the_fixture(fake_workato):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:workato_connectors", "-p", "no:asyncio")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fake_workato fixture needs pytest-asyncio*"])
