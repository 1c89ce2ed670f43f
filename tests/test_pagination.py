"""Auto-pagination: the pure page plan, and walks against FakeWorkato over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import pytest
from conftest import client_for, other_tasks, settle

from workato_connectors import Connector, ConnectorPage, NotFoundError
from workato_connectors._pagination import PageTracker, last_page
from workato_connectors.testing import FakeWorkato

# -- the pure plan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "per_page", "last"),
    [(0, 100, 1), (1, 100, 1), (99, 100, 1), (100, 100, 1), (101, 100, 2), (293, 90, 4), (5, 1, 5)],
)
def test_last_page(count, per_page, last):
    assert last_page(count, per_page) == last


def page(names, count, number=1, per_page=2):
    return ConnectorPage(
        items=tuple(Connector(name=n) for n in names), count=count, page=number, per_page=per_page
    )


def test_tracker_plans_from_the_servers_effective_per_page_not_the_request():
    tracker = PageTracker(per_page=100)
    fresh, go_on = tracker.accept(1, page(["a", "b"], count=5, per_page=2))
    assert [c.name for c in fresh] == ["a", "b"] and go_on
    assert tracker.last == 3


def test_tracker_stops_on_an_empty_page_and_at_the_last_page():
    tracker = PageTracker(per_page=2)
    tracker.accept(1, page(["a", "b"], count=6))
    assert tracker.accept(2, page([], count=6)) == ([], False)
    tracker = PageTracker(per_page=2)
    tracker.accept(1, page(["a", "b"], count=3))
    assert tracker.accept(2, page(["c"], count=3))[1] is False


def test_tracker_drops_names_already_seen_and_stops_on_a_page_of_repeats():
    tracker = PageTracker(per_page=2)
    tracker.accept(1, page(["a", "b"], count=6))
    fresh, go_on = tracker.accept(2, page(["b", "c"], count=6))
    assert [c.name for c in fresh] == ["c"] and go_on
    assert tracker.accept(3, page(["a", "b"], count=6)) == ([], False)


def test_tracker_follows_a_growing_count(caplog):
    tracker = PageTracker(per_page=2)
    tracker.accept(1, page(["a", "b"], count=4))
    assert tracker.last == 2
    with caplog.at_level(logging.WARNING, logger="workato_connectors"):
        tracker.accept(2, page(["c", "d"], count=7))
    assert tracker.last == 4
    assert "catalog changed during the walk (count 4 -> 7)" in caplog.text


def test_tracker_without_a_count_walks_until_an_empty_page():
    tracker = PageTracker(per_page=2)
    assert tracker.accept(1, page(["a", "b"], count=None))[1]
    assert tracker.last == 2
    assert tracker.accept(2, page(["c", "d"], count=None))[1]
    assert tracker.last == 3  # the frontier moves one page at a time ...
    assert tracker.accept(3, page([], count=None)) == ([], False)  # ... to an empty page


# -- walks over HTTP -----------------------------------------------------------------------


@pytest.mark.parametrize(("size", "requests"), [(0, 1), (1, 1), (99, 1), (100, 1), (101, 2)])
async def test_walk_equals_the_catalog_with_the_fewest_requests(size, requests):
    async with FakeWorkato(connectors=size) as fake, client_for(fake) as client:
        assert await client.all_connectors() == fake.catalog
        assert len(fake.requests) == requests


async def test_walk_of_thousands_is_in_catalog_order_without_duplicates():
    async with FakeWorkato(connectors=3_000) as fake, client_for(fake) as client:
        names = [c.name async for c in client.all_connectors()]
        assert names == [c.name for c in fake.catalog]
        assert len(set(names)) == 3_000
        assert len(fake.requests) == 30


async def test_walk_survives_per_page_cap_below_requested():
    async with FakeWorkato(connectors=260, per_page_cap=25) as fake, client_for(fake) as client:
        pages = [p async for p in client.all_connectors(per_page=100).pages()]
        assert [p.page for p in pages] == list(range(1, 12))
        assert all(p.per_page == 25 for p in pages)
        assert [c for p in pages for c in p.items] == fake.catalog
        assert len(fake.requests) == 11


async def test_walk_follows_a_catalog_that_grows_mid_walk(caplog):
    async with FakeWorkato(connectors=250) as fake, client_for(fake) as client:
        extra = [Connector(name=f"zz_new_{i:03d}") for i in range(120)]
        seen = []
        with caplog.at_level(logging.WARNING, logger="workato_connectors"):
            async for connector in client.all_connectors(concurrency=1):
                if not seen:
                    fake.catalog.extend(extra)
                seen.append(connector)
        assert seen == fake.catalog
        assert "catalog changed during the walk" in caplog.text


async def test_walk_never_yields_a_name_twice_when_items_shift_forward():
    async with FakeWorkato(connectors=250) as fake, client_for(fake) as client:
        original = list(fake.catalog)
        names = []
        async for connector in client.all_connectors(concurrency=1):
            if not names:
                fake.catalog[:0] = [Connector(name=f"aa_new_{i}") for i in range(30)]
            names.append(connector.name)
        assert len(names) == len(set(names))
        assert {c.name for c in original} <= set(names)


class RepeatingFake(FakeWorkato):
    """A broken server that answers every page with page 1."""

    def page_body(self, page: int, per_page: int) -> dict[str, object]:
        return super().page_body(1, per_page)


async def test_a_server_repeating_itself_yields_each_name_once_and_stops():
    async with RepeatingFake(connectors=500) as fake, client_for(fake) as client:
        catalog = await client.all_connectors()
        assert catalog == fake.catalog[:100]
        assert len(fake.requests) <= last_page(500, 100) + 1


async def test_concurrent_walk_is_much_faster_than_a_sequential_one():
    # Small pages and long latency: the walk is bound by round trips, not by a busy CPU.
    async with FakeWorkato(connectors=200, latency=0.1) as fake, client_for(fake) as client:
        start = time.perf_counter()
        await client.all_connectors(per_page=10, concurrency=1)
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        await client.all_connectors(per_page=10, concurrency=8)
        concurrent = time.perf_counter() - start
    # 20 pages: 20 round trips one by one against 1 + 3 rounds of 8; physics allows 5x.
    assert sequential / concurrent > 2.0


async def test_read_ahead_is_bounded_while_the_consumer_is_slow():
    async with FakeWorkato(connectors=5_000) as fake, client_for(fake) as client:
        pager = client.all_connectors(concurrency=2)
        async with contextlib.aclosing(pager.pages()) as pages:
            async for p in pages:
                if p.page == 3:
                    break
                await asyncio.sleep(0.2)
        # page 1, pages 2 and 3 consumed, and at most 2 * concurrency read ahead of page 3.
        assert len(fake.requests) <= 3 + 4


async def test_break_cancels_outstanding_pages_and_leaks_no_task():
    async with FakeWorkato(connectors=5_000, latency=0.05) as fake, client_for(fake) as client:
        async for _ in client.all_connectors():
            break
        await settle()
        assert other_tasks() == set()


async def test_aclose_cancels_outstanding_pages():
    async with FakeWorkato(connectors=5_000, latency=0.05) as fake, client_for(fake) as client:
        pager = client.all_connectors()
        await pager.__anext__()
        await pager.aclose()
        assert other_tasks() == set()


async def test_cancelling_the_consumer_cancels_the_walk():
    async with FakeWorkato(connectors=5_000, latency=0.05) as fake, client_for(fake) as client:
        task = asyncio.ensure_future(client.all_connectors())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settle()
        assert other_tasks() == set()


async def test_an_error_in_one_page_propagates_and_cancels_the_rest():
    async with FakeWorkato(connectors=3_000, latency=0.02) as fake, client_for(fake) as client:
        walk = client.all_connectors()
        first = await walk.__anext__()
        fake.fail_next(1, 404)
        with pytest.raises(NotFoundError):
            async for _ in walk:
                pass
        await settle()
        assert first == fake.catalog[0]
        assert other_tasks() == set()


async def test_pages_yields_connector_pages_and_await_gives_a_list(client, fake):
    pages = [p async for p in client.all_connectors(per_page=100).pages()]
    assert all(isinstance(p, ConnectorPage) for p in pages)
    assert [p.page for p in pages] == [1, 2, 3]
    assert isinstance(await client.all_connectors(), list)


# -- bulk input schemas --------------------------------------------------------------------


async def test_input_schemas_yield_every_pair_with_failures_in_their_result(client):
    pairs = [(97, "jms"), (98, "no_such_connector"), ("EA1", "google_drive"), ("bad user", "jms")]
    results = [r async for r in client.input_schemas(pairs)]
    by_pair = {(r.managed_user_id, r.connector_name): r for r in results}
    assert set(by_pair) == set(pairs)
    assert by_pair[(97, "jms")].ok and by_pair[(97, "jms")].fields
    assert isinstance(by_pair[(98, "no_such_connector")].error, NotFoundError)
    assert by_pair[(98, "no_such_connector")].fields is None
    assert isinstance(by_pair[("bad user", "jms")].error, NotFoundError)


async def test_input_schemas_keep_a_bounded_number_of_tasks_for_thousands_of_pairs(fake, client):
    names = [c.name for c in fake.catalog]
    pairs = ((user, names[user % len(names)]) for user in range(1, 2_001))
    peak = count = 0
    async for result in client.input_schemas(pairs, concurrency=8):
        assert result.ok
        count += 1
        peak = max(peak, len(other_tasks()))
    assert count == 2_000
    assert peak <= 8


async def test_input_schemas_reject_a_malformed_pair(client):
    with pytest.raises(ValueError, match=r"\(managed_user_id, connector_name\) pairs"):
        async for _ in client.input_schemas([(97, "jms", "extra")]):
            pass
    with pytest.raises(ValueError, match="connector name"):
        async for _ in client.input_schemas([(97, "a/b")]):
            pass


async def test_leaving_input_schemas_early_leaks_no_task():
    async with FakeWorkato(connectors=50, latency=0.05) as fake, client_for(fake) as client:
        pairs = [(i, "jms") for i in range(1, 200)]
        async with contextlib.aclosing(client.input_schemas(pairs)) as results:
            async for _ in results:
                break
        assert other_tasks() == set()
