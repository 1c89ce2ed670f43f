"""The clients compared: what a user would otherwise write, the floor, and this SDK.

- (a) ``NaivePeer``: a sequential pager, aiohttp + ``json.loads`` into dicts.
- (b) ``HttpxPydanticPeer``: httpx ``AsyncClient`` + pydantic v2 models, concurrent pages.
- (c) ``FloorPeer``: raw aiohttp + msgspec Structs, concurrent pages, no limiter, no retries.
- (d) ``SdkPeer``: ``WorkatoClient``.

Every concurrent peer shares ``in_order``, a plain sliding window: ``concurrency`` pages in
flight, yielded in catalog order, the next page scheduled as soon as the head is taken.
Each peer is an async context manager whose ``connectors()`` walks the whole catalog.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

import aiohttp
import httpx
import msgspec
import pydantic

from workato_connectors import ConnectorPage, RateLimit, WorkatoClient
from workato_connectors._protocol import decode as sdk_decode

__all__ = [
    "DECODERS",
    "PEERS",
    "FloorConnector",
    "FloorPage",
    "FloorPeer",
    "HttpxPydanticPeer",
    "NaivePeer",
    "Peer",
    "SdkPeer",
    "in_order",
]

PER_PAGE = 100
CONCURRENCY = 8
#: The walk scenarios measure client overhead, so the SDK gets a budget that never binds.
UNBOUNDED = RateLimit(1_000_000, 1.0)
_PAGES = "/api/integrations/all"

P = TypeVar("P")


# -- (c) the floor's models: plain frozen Structs, the same fields and types as the SDK's --


class FloorOperation(msgspec.Struct, frozen=True, kw_only=True):
    """A trigger or action, as the floor decodes it."""

    name: str
    title: str | None = None
    deprecated: bool = False
    bulk: bool = False
    batch: bool = False


class FloorConnector(msgspec.Struct, frozen=True, kw_only=True):
    """A connector, as the floor decodes it."""

    name: str
    title: str | None = None
    categories: tuple[str, ...] = ()
    oauth: bool = False
    deprecated: bool = False
    secondary: bool = False
    triggers: tuple[FloorOperation, ...] = ()
    actions: tuple[FloorOperation, ...] = ()


class FloorPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of ``/api/integrations/all``, as the floor decodes it."""

    items: tuple[FloorConnector, ...] = ()
    count: int | None = None
    page: int = 1
    per_page: int | None = None


class FloorPickListOption(msgspec.Struct, frozen=True, array_like=True):
    """A static pick-list entry, as the floor decodes it."""

    label: str
    value: Any


class FloorSchemaField(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An input-schema field, as the floor decodes it."""

    name: str
    label: str | None = None
    type: str | None = None
    control_type: str | None = None
    hint: str | None = None
    optional: bool | None = None
    sticky: bool = False
    default: Any = None
    disable_formula: bool = False
    extends_schema: bool = False
    ng_if: str | None = msgspec.field(default=None, name="ngIf")
    pick_list: str | tuple[FloorPickListOption, ...] | None = None
    properties: tuple[FloorSchemaField, ...] = ()
    toggle_hint: str | None = None
    toggle_field: FloorSchemaField | None = None
    of: str | None = None


class FloorSchema(msgspec.Struct, frozen=True):
    """The ``{"result": [...]}`` envelope of an input schema."""

    result: tuple[FloorSchemaField, ...] = ()


_FLOOR_PAGE = msgspec.json.Decoder(FloorPage)
_FLOOR_SCHEMA = msgspec.json.Decoder(FloorSchema)


# -- (b) pydantic v2 models, as a user would write them --------------------------------


class PydOperation(pydantic.BaseModel):
    """A trigger or action, as pydantic models it."""

    name: str
    title: str | None = None
    deprecated: bool = False
    bulk: bool = False
    batch: bool = False


class PydConnector(pydantic.BaseModel):
    """A connector, as pydantic models it."""

    name: str
    title: str | None = None
    categories: list[str] = []
    oauth: bool = False
    deprecated: bool = False
    secondary: bool = False
    triggers: list[PydOperation] = []
    actions: list[PydOperation] = []


class PydPage(pydantic.BaseModel):
    """One page of ``/api/integrations/all``, as pydantic models it."""

    items: list[PydConnector] = []
    count: int | None = None
    page: int = 1
    per_page: int | None = None


#: How each peer turns one page's bytes into objects (the decode scenario).
DECODERS: dict[str, Callable[[bytes], object]] = {
    "a": json.loads,
    "b": PydPage.model_validate_json,
    "c": _FLOOR_PAGE.decode,
    "d": lambda body: sdk_decode(body, ConnectorPage),
}


async def in_order(
    fetch: Callable[[int], Awaitable[P]], numbers: Iterable[int], concurrency: int
) -> AsyncIterator[P]:
    """Yield ``fetch(n)`` for each of ``numbers`` in order, ``concurrency`` in flight."""
    todo = iter(numbers)
    window: deque[asyncio.Task[P]] = deque()
    try:
        for number in todo:
            window.append(asyncio.ensure_future(fetch(number)))
            if len(window) == concurrency:
                break
        while window:
            page = await window.popleft()
            number = next(todo, 0)
            if number:
                window.append(asyncio.ensure_future(fetch(number)))
            yield page
    finally:
        for task in window:
            task.cancel()
        await asyncio.gather(*window, return_exceptions=True)


def _last_page(count: int | None, per_page: int | None) -> int:
    return math.ceil((count or 0) / (per_page or PER_PAGE))


class Peer(Protocol):
    """What every compared client offers: a context manager and a full catalog walk."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def connectors(self) -> AsyncIterator[object]:
        """Yield every connector of the catalog, in order."""
        ...


class _AiohttpPeer:
    def __init__(self, url: str, token: str) -> None:
        self._url = url + _PAGES
        self._base = url
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None, "use the peer as an async context manager"
        return self._session

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(headers=self._headers)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.close()


class NaivePeer(_AiohttpPeer):
    """(a) One page after another, each body ``json.loads``-ed into dicts."""

    async def connectors(self) -> AsyncIterator[dict[str, Any]]:
        """Yield every connector as a dict, fetching page after page."""
        page = 1
        while True:
            params = {"page": str(page), "per_page": str(PER_PAGE)}
            async with self.session.get(self._url, params=params) as response:
                response.raise_for_status()
                data = json.loads(await response.read())
            for item in data["items"]:
                yield item
            if not data["items"] or page >= _last_page(data["count"], data["per_page"]):
                return
            page += 1


class FloorPeer(_AiohttpPeer):
    """(c) Raw aiohttp + msgspec, ``CONCURRENCY`` pages in flight; no limiter, no retries."""

    async def page(self, number: int) -> FloorPage:
        """Return one decoded page."""
        params = {"page": str(number), "per_page": str(PER_PAGE)}
        async with self.session.get(self._url, params=params) as response:
            response.raise_for_status()
            return _FLOOR_PAGE.decode(await response.read())

    async def connectors(self) -> AsyncIterator[FloorConnector]:
        """Yield every connector: page 1, then the rest through a sliding window."""
        first = await self.page(1)
        for connector in first.items:
            yield connector
        rest = range(2, _last_page(first.count, first.per_page) + 1)
        async for page in in_order(self.page, rest, CONCURRENCY):
            for connector in page.items:
                yield connector

    async def input_schema(self, user: int, name: str) -> FloorSchema:
        """Fetch one input schema; on a 429 sleep its ``Retry-After`` and try again."""
        url = f"{self._base}/api/v2/managed_users/{user}/connectors/{name}/input_schema"
        while True:
            async with self.session.get(url) as response:
                if response.status == 429:
                    wait = float(response.headers.get("Retry-After", "1"))
                else:
                    response.raise_for_status()
                    return _FLOOR_SCHEMA.decode(await response.read())
            await asyncio.sleep(wait)


class HttpxPydanticPeer:
    """(b) httpx ``AsyncClient`` + pydantic v2 models, ``CONCURRENCY`` pages in flight."""

    def __init__(self, url: str, token: str) -> None:
        self._client = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})

    async def __aenter__(self) -> Self:
        await self._client.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self._client.__aexit__(*exc_info)

    async def page(self, number: int) -> PydPage:
        """Return one validated page."""
        response = await self._client.get(_PAGES, params={"page": number, "per_page": PER_PAGE})
        response.raise_for_status()
        return PydPage.model_validate_json(response.content)

    async def connectors(self) -> AsyncIterator[PydConnector]:
        """Yield every connector: page 1, then the rest through a sliding window."""
        first = await self.page(1)
        for connector in first.items:
            yield connector
        rest = range(2, _last_page(first.count, first.per_page) + 1)
        async for page in in_order(self.page, rest, CONCURRENCY):
            for connector in page.items:
                yield connector


class SdkPeer:
    """(d) ``WorkatoClient``; the walk runs under a budget that never binds by default."""

    def __init__(self, url: str, token: str, rate_limit: RateLimit = UNBOUNDED) -> None:
        self.client = WorkatoClient(token, base_url=url, rate_limit=rate_limit)

    async def __aenter__(self) -> Self:
        await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.client.__aexit__(*exc_info)

    def connectors(self) -> AsyncIterator[object]:
        """Yield every connector through ``all_connectors``."""
        return aiter(self.client.all_connectors(per_page=PER_PAGE, concurrency=CONCURRENCY))


#: key -> (column label, class)
PEERS: dict[str, tuple[str, Callable[[str, str], Peer]]] = {
    "a": ("(a) naive: aiohttp + json, sequential", NaivePeer),
    "b": ("(b) httpx + pydantic", HttpxPydanticPeer),
    "c": ("(c) floor: aiohttp + msgspec", FloorPeer),
    "d": ("(d) workato-connectors", SdkPeer),
}
