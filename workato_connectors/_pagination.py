"""Auto-pagination of ``/api/integrations/all``: concurrent pages, yielded in order.

The page arithmetic is pure (``last_page``, ``PageTracker``); ``ConnectorPager`` only
schedules requests around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass, field

from ._models import Connector, ConnectorPage

__all__ = ["ConnectorPager", "PageTracker", "last_page"]

log = logging.getLogger("workato_connectors")


def last_page(count: int, per_page: int) -> int:
    """Return the number of the last page for ``count`` items, ``per_page`` a page (>= 1)."""
    return max(1, math.ceil(max(count, 0) / max(per_page, 1)))


@dataclass
class PageTracker:
    """The pure state of one walk: which pages exist, when to stop, what was already seen.

    Termination trusts the server: ``count``, its effective ``per_page`` and an empty page.
    The plan is ``last_page(count, per_page)``, re-derived whenever ``count`` changes; a
    page that is empty, or that adds no connector not seen before, ends the walk, so a
    server repeating the same page forever is asked for at most one page past ``count``.
    Without a ``count`` the walk goes one page at a time until such a page.

    Duplicates come from items shifting between pages while the catalog changes under a
    walk (or from a server repeating pages), so the tracker remembers the names of the
    last ``window`` pages rather than of the whole catalog: memory stays flat, and any
    shift smaller than ``window`` pages, far more than a catalog changes during one
    walk, is still caught.
    """

    per_page: int
    window: int = 17
    count: int | None = None
    frontier: int = 1
    seen: dict[str, int] = field(default_factory=dict)
    _recent: deque[tuple[int, list[str]]] = field(default_factory=deque)

    @property
    def last(self) -> int:
        """Return the last page worth fetching as far as is known now."""
        return self.frontier if self.count is None else last_page(self.count, self.per_page)

    def accept(self, number: int, page: ConnectorPage) -> tuple[list[Connector], bool]:
        """Return the connectors of page ``number`` not seen before, and whether to go on."""
        if number == 1:
            # Plan from what the server did, not from what was asked: it may cap per_page.
            self.per_page = page.per_page or len(page.items) or self.per_page
            self.count = page.count
        elif page.count is not None and page.count != self.count:
            log.warning(
                "the catalog changed during the walk (count %s -> %s); "
                "fetching the extra pages and skipping duplicates",
                self.count,
                page.count,
            )
            self.count = page.count
        fresh = [c for c in page.items if c.name not in self.seen]
        self._remember(number, [c.name for c in fresh])
        self.frontier = number + 1 if fresh else number
        return fresh, bool(fresh) and number < self.last

    def _remember(self, number: int, names: list[str]) -> None:
        self.seen.update(dict.fromkeys(names, number))
        self._recent.append((number, names))
        while len(self._recent) > self.window:
            old, forgotten = self._recent.popleft()
            for name in forgotten:
                if self.seen.get(name) == old:
                    del self.seen[name]


class ConnectorPager:
    """Every connector of the catalog: awaitable, async-iterable, and ``.pages()``.

    ``await pager`` gives ``list[Connector]``; ``async for c in pager`` yields each
    connector once, in catalog order; ``pager.pages()`` yields each ``ConnectorPage``
    (holding only connectors not seen on an earlier page). Page 1 is fetched first; the
    rest run ``concurrency`` at a time with at most ``2 * concurrency`` pages read ahead.
    Leaving early (``break``, ``aclose()``, cancellation, an error) cancels the pages in
    flight; ``contextlib.aclosing(pager)`` makes that happen at the ``break`` itself.
    """

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[ConnectorPage]],
        *,
        per_page: int,
        concurrency: int,
    ) -> None:
        self._fetch = fetch
        self._per_page = per_page
        self._concurrency = concurrency
        self._iterator: AsyncGenerator[Connector, None] | None = None

    def __await__(self) -> Generator[object, None, list[Connector]]:
        return self._collect().__await__()

    async def _collect(self) -> list[Connector]:
        return [connector async for page in self.pages() for connector in page.items]

    def __aiter__(self) -> AsyncGenerator[Connector, None]:
        # Hand ``async for`` the generator itself: no extra coroutine per connector.
        if self._iterator is None:
            self._iterator = self._connectors()
        return self._iterator

    async def __anext__(self) -> Connector:
        """Return the next connector (what ``async for`` does)."""
        return await self.__aiter__().__anext__()

    async def aclose(self) -> None:
        """Stop the walk and cancel the pages in flight."""
        if self._iterator is not None:
            await self._iterator.aclose()

    async def _connectors(self) -> AsyncGenerator[Connector, None]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for connector in page.items:
                    yield connector

    async def pages(self) -> AsyncGenerator[ConnectorPage, None]:
        """Yield each page in order (connectors seen on an earlier page are left out)."""
        first = await self._fetch(1, self._per_page)
        read_ahead = 2 * self._concurrency
        tracker = PageTracker(self._per_page, window=read_ahead + 1)
        fresh, go_on = tracker.accept(1, first)
        yield _with_items(first, fresh)
        if not go_on:
            return
        slots = asyncio.Semaphore(self._concurrency)
        per_page = tracker.per_page

        async def fetch(number: int) -> ConnectorPage:
            async with slots:
                return await self._fetch(number, per_page)

        pending: dict[int, asyncio.Task[ConnectorPage]] = {}
        number = 2
        try:
            while number <= tracker.last:
                for ahead in range(number, min(tracker.last, number + read_ahead - 1) + 1):
                    if ahead not in pending:
                        pending[ahead] = asyncio.create_task(fetch(ahead))
                page = await pending.pop(number)
                fresh, go_on = tracker.accept(number, page)
                if fresh:
                    yield _with_items(page, fresh)
                if not go_on:
                    return
                number += 1
        finally:
            for task in pending.values():
                task.cancel()
            if pending:
                await asyncio.gather(*pending.values(), return_exceptions=True)


def _with_items(page: ConnectorPage, fresh: list[Connector]) -> ConnectorPage:
    if len(fresh) == len(page.items):
        return page
    return ConnectorPage(
        items=tuple(fresh), count=page.count, page=page.page, per_page=page.per_page
    )
