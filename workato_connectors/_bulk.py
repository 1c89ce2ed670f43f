"""Bulk input schemas: many ``(managed_user_id, connector_name)`` pairs, a bounded set of
tasks, results yielded as each completes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable

from ._exceptions import WorkatoError
from ._models import SchemaField, SchemaResult
from ._protocol import input_schema_request

__all__ = ["fetch_input_schemas"]


async def fetch_input_schemas(
    fetch: Callable[[int | str, str], Awaitable[list[SchemaField]]],
    pairs: Iterable[tuple[int | str, str]],
    *,
    concurrency: int,
) -> AsyncGenerator[SchemaResult, None]:
    """Yield a ``SchemaResult`` per pair as each completes, with at most ``concurrency``
    tasks alive; ``pairs`` is read lazily, one pair per finished task.
    """

    async def one(user: int | str, name: str) -> SchemaResult:
        try:
            fields = await fetch(user, name)
        except WorkatoError as exc:
            return SchemaResult(managed_user_id=user, connector_name=name, error=exc)
        return SchemaResult(managed_user_id=user, connector_name=name, fields=fields)

    source = iter(pairs)
    pending: set[asyncio.Task[SchemaResult]] = set()

    def refill() -> None:
        for pair in source:
            try:
                user, name = pair
            except (TypeError, ValueError):
                raise ValueError(
                    f"input_schemas takes (managed_user_id, connector_name) pairs, got {pair!r}"
                ) from None
            input_schema_request(user, name)  # a malformed pair fails here, not mid-flight
            pending.add(asyncio.create_task(one(user, name)))
            if len(pending) >= concurrency:
                return

    try:
        refill()
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.difference_update(done)
            for task in done:
                yield task.result()
            refill()
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
