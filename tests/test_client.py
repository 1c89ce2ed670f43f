"""The client against FakeWorkato over real HTTP: configuration, endpoints, errors."""

from __future__ import annotations

import logging
import re

import aiohttp
import pytest
from aiohttp import web
from conftest import client_for

from workato_connectors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    Connector,
    NotFoundError,
    SchemaField,
    WorkatoClient,
    external_id,
)


def test_missing_token_says_how_to_set_it(monkeypatch):
    monkeypatch.delenv("WORKATO_API_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match="WORKATO_API_TOKEN"):
        WorkatoClient()


def test_token_and_base_url_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("WORKATO_API_TOKEN", "env-secret")
    monkeypatch.setenv("WORKATO_BASE_URL", "http://127.0.0.1:1")
    client = WorkatoClient()
    assert client.base_url == "http://127.0.0.1:1"
    assert "env-secret" not in repr(client)


def test_data_center_picks_the_host_and_base_url_wins(monkeypatch):
    monkeypatch.delenv("WORKATO_BASE_URL", raising=False)
    assert WorkatoClient("t", data_center="eu").base_url == "https://app.eu.workato.com"
    assert WorkatoClient("t", base_url="https://x.example", data_center="eu").base_url == (
        "https://x.example"
    )
    with pytest.raises(ConfigurationError, match="valid data centers are: us, eu"):
        WorkatoClient("t", data_center="xx")


def test_repr_never_shows_the_token():
    client = WorkatoClient("super-secret-token", base_url="http://127.0.0.1:1")
    assert "super-secret-token" not in repr(client)
    assert "***" in repr(client)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_concurrency": 0}, "max_concurrency must be an int >= 1"),
        ({"max_retries": -1}, "max_retries must be an int >= 0"),
        ({"timeout": 0}, "timeout must be a number of seconds > 0"),
        ({"timeout": "5"}, "timeout must be a number"),
        ({"limiter": object()}, "limiter must have an async acquire"),
        ({"rate_limit": 1000}, "rate_limit must be a RateLimit"),
    ],
)
def test_bad_settings_are_configuration_errors(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        WorkatoClient("t", base_url="http://127.0.0.1:1", **kwargs)


async def test_closed_session_is_rejected_by_the_constructor():
    session = aiohttp.ClientSession()
    await session.close()
    with pytest.raises(ConfigurationError, match="closed"):
        WorkatoClient("t", base_url="http://127.0.0.1:1", session=session)


async def test_list_connectors_sends_applications_as_a_query_parameter(fake, client):
    connectors = await client.list_connectors(["google_drive", "service_now"])
    assert [c.name for c in connectors] == ["google_drive", "service_now"]
    assert all(isinstance(c, Connector) for c in connectors)
    (request,) = fake.requests
    assert request.method == "GET"
    assert request.query == {"applications": "google_drive,service_now"}


async def test_every_request_carries_bearer_auth_and_the_user_agent(fake, client):
    await client.get_connectors_page(1, 5)
    headers = fake.requests[0].headers
    assert headers["Authorization"] == f"Bearer {fake.token}"
    assert re.fullmatch(
        r"workato-connectors/\S+ python/3\.\d+ aiohttp/\d+\.\d+\.\d+\S*", headers["User-Agent"]
    )


async def test_get_connectors_page_returns_one_raw_page(fake, client):
    page = await client.get_connectors_page(page=2, per_page=10)
    assert (page.page, page.per_page, page.count) == (2, 10, len(fake.catalog))
    assert list(page.items) == fake.catalog[10:20]


async def test_bad_input_fails_before_any_request(fake, client):
    with pytest.raises(ValueError, match="applications must name at least one"):
        await client.list_connectors([])
    with pytest.raises(ValueError, match="per_page must be an int 1..100"):
        await client.get_connectors_page(1, 101)
    with pytest.raises(ValueError, match="page must be an int >= 1"):
        await client.get_connectors_page(0)
    with pytest.raises(ValueError, match="connector name"):
        await client.get_input_schema(97, "")
    with pytest.raises(ValueError, match="per_page"):
        client.all_connectors(per_page=0)
    assert fake.requests == []


async def test_get_input_schema_decodes_the_documented_jms_schema(client):
    fields = await client.get_input_schema(97, "jms")
    assert [f.name for f in fields] == ["profile", "provider"]
    assert all(isinstance(f, SchemaField) for f in fields)
    assert fields[1].ng_if == "line.use_managed_connection"


async def test_external_id_reaches_the_server_as_one_segment(fake, client):
    await client.get_input_schema(external_id("A2300"), "jms")
    assert fake.requests[0].path == "/api/v2/managed_users/EA2300/connectors/jms/input_schema"


@pytest.mark.parametrize("user", ["E../../x", "Ea/b?c#d", "E%2F", "E ü"])
async def test_hostile_managed_user_ids_cannot_change_the_path(fake, client, user):
    fields = await client.get_input_schema(user, "jms")
    assert [f.name for f in fields] == ["profile", "provider"]
    path = fake.requests[0].path
    assert path.startswith("/api/v2/managed_users/E") and path.endswith(
        "/connectors/jms/input_schema"
    )
    assert path.count("/") == 7


async def test_unknown_connector_is_not_found_and_not_retried(fake, client):
    with pytest.raises(NotFoundError) as info:
        await client.get_input_schema(97, "no_such_connector")
    assert info.value.status == 404
    assert len(fake.requests) == 1


async def test_wrong_token_is_an_authentication_error_without_the_token(fake, caplog):
    caplog.set_level(logging.DEBUG, logger="workato_connectors")
    async with WorkatoClient("wrong-secret", base_url=fake.url) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_connectors_page()
    assert info.value.status == 401
    for text in (str(info.value), repr(info.value), info.value.url, caplog.text):
        assert "wrong-secret" not in text


async def test_connection_errors_never_show_the_token(unused_tcp_port):
    client = WorkatoClient(
        "hidden-secret", base_url=f"http://127.0.0.1:{unused_tcp_port}", max_retries=0
    )
    async with client:
        with pytest.raises(APIConnectionError) as info:
            await client.get_connectors_page()
    assert "hidden-secret" not in str(info.value)
    assert str(unused_tcp_port) in str(info.value)


async def test_a_session_you_bring_is_used_and_never_closed(fake):
    async with aiohttp.ClientSession() as session:
        async with client_for(fake, session=session) as client:
            await client.get_connectors_page()
        assert not session.closed
        assert len(fake.requests) == 1


async def test_a_closed_client_says_so(fake):
    client = client_for(fake)
    await client.close()
    assert client.closed
    with pytest.raises(ConfigurationError, match="closed"):
        await client.get_connectors_page()


async def test_client_works_without_a_context_manager(fake):
    client = client_for(fake)
    try:
        assert (await client.get_connectors_page(1, 1)).per_page == 1
    finally:
        await client.close()


async def test_redirects_to_another_origin_are_not_followed():
    hits: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        hits.append(request.headers.get("Authorization", ""))
        return web.json_response({"items": []})

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{request.url.port}/steal")

    app = web.Application()
    app.router.add_get("/api/integrations/all", redirect)
    app.router.add_get("/steal", elsewhere)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with WorkatoClient("secret", base_url=f"http://127.0.0.1:{port}") as client:
            with pytest.raises(APIStatusError, match="another origin") as info:
                await client.get_connectors_page()
        assert info.value.status == 302
        assert hits == []
    finally:
        await runner.cleanup()


async def test_the_plugin_fixture_serves_an_app_the_way_a_user_would_test_it(fake_workato):
    async def marketplace_names(client: WorkatoClient) -> list[str]:  # "the user's app"
        return [c.name async for c in client.all_connectors() if not c.deprecated]

    async with WorkatoClient(fake_workato.token, base_url=fake_workato.url) as client:
        names = await marketplace_names(client)
    assert "google_drive" in names and "jms" in names
    assert names == [c.name for c in fake_workato.catalog if not c.deprecated]
