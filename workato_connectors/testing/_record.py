"""The fake server's request log: one record per request, filled in as it is answered."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RecordedRequest"]


@dataclass(slots=True)
class RecordedRequest:
    """One request as the fake saw it, appended to ``FakeWorkato.requests`` on arrival.

    Attributes:
        method: the HTTP method.
        path: the raw path exactly as received (still percent-encoded), without the query.
        query: the decoded query parameters.
        headers: the request headers as received (the token included: it is the fake's).
        started: ``time.monotonic()`` on arrival (the rate-limit window uses this time).
        status: the status answered; ``None`` while in flight and when no response went
            out (a dropped connection, a client that went away, or the fake closed first).
        finished: ``time.monotonic()`` when the answer was ready, ``None`` while in flight.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    started: float
    status: int | None = None
    finished: float | None = None
