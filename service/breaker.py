"""A circuit breaker in the Elasticsearch transport: fail fast while the node is known to be down.

Why: with the node hung, every search waits its full request timeout (1.5 s) before its 503. With
50 clients and a few worker threads those waits queue up (a median of 11 s was measured). Once a few
requests in a row have found the node unreachable, the next ones are answered at once (503 with
Retry-After) until a single probe finds it again.

It sits in the transport (``Elasticsearch(transport_class=...)``; ``es.options()`` shares the
transport), so every call — search, article, suggest, health — is covered, and it raises
``CircuitOpen``, an ``elastic_transport.ConnectionError``, which the existing error handlers already
turn into 503. Only transport failures (timeout, refused, reset) count: an HTTP error status means
the node answered. Requests that ask for a long timeout (bulk indexing, reindexing: 60 s and more)
neither count nor are refused: they wait deliberately and report their own failures.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, Transport
from elastic_transport.client_utils import DEFAULT

# Three failures in a row, with no success between them: a single slow query (one timeout among
# successes) never opens it, while a hung node opens it as soon as the first wave of in-flight
# requests (one per worker thread) has timed out.
FAILURE_THRESHOLD = 3
# Open for 2 s, then one probe: a node that returns is served again within about 2 s, and a node
# still down costs one request one timeout every 2 s (the others are answered at once meanwhile).
OPEN_SECONDS = 2.0
# An in-flight request that has waited at least 90 % as long as one that just failed is as good as
# failed. A slow query timing out among healthy traffic has no such company (the others are young).
STUCK_RATIO = 0.9
# Requests with a longer timeout are administrative (the indexer asks for 60 s): not guarded.
GUARDED_TIMEOUT_SECONDS = 10.0


class CircuitOpen(TransportConnectionError):
    """Raised instead of sending a request while the breaker is open (the node is known down)."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"Elasticsearch is unreachable; circuit open, next probe in {retry_in:.1f} s")
        self.retry_in = retry_in


@dataclass(frozen=True)
class Ticket:
    """One admitted request: whether it is the half-open probe, and when it was sent."""

    probe: bool
    started: float


class CircuitBreaker:
    """Closed → open after ``threshold`` consecutive failures → half-open after ``open_seconds``
    (one probe request at a time) → closed on the probe's success, open again on its failure.
    Thread-safe: gunicorn's gthread workers share one breaker per process.

    Requests still in flight that have already waited (nearly) as long as one that just failed
    count as failures too: against a hung node the first wave of requests times out together, and
    without this a thread freed by the first timeout would admit a queued request before the third
    timeout is recorded, making it wait a full timeout more (3 s measured at 50 clients)."""

    def __init__(
        self,
        threshold: int = FAILURE_THRESHOLD,
        open_seconds: float = OPEN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.open_seconds = open_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self._in_flight: dict[int, float] = {}

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._probing or self._clock() - self._opened_at >= self.open_seconds:
                return "half-open"
            return "open"

    def admit(self) -> Ticket:
        """Admit a request (its ticket) or raise ``CircuitOpen``."""
        with self._lock:
            now = self._clock()
            probe = False
            if self._opened_at is not None:
                waited = now - self._opened_at
                if waited < self.open_seconds or self._probing:
                    raise CircuitOpen(max(self.open_seconds - waited, 0.0))
                self._probing = probe = True
            ticket = Ticket(probe, now)
            self._in_flight[id(ticket)] = now
            return ticket

    def success(self, ticket: Ticket) -> None:
        with self._lock:
            self._in_flight.pop(id(ticket), None)
            self._failures = 0
            self._opened_at = None
            if ticket.probe:
                self._probing = False

    def failure(self, ticket: Ticket) -> None:
        with self._lock:
            self._in_flight.pop(id(ticket), None)
            now = self._clock()
            self._failures += 1
            if ticket.probe:
                self._probing = False
                self._opened_at = now
                return
            if self._opened_at is not None:
                return
            waited = now - ticket.started
            stuck = sum(1 for started in self._in_flight.values() if now - started >= STUCK_RATIO * waited)
            if self._failures + stuck >= self.threshold:
                self._opened_at = now

    def release(self, ticket: Ticket) -> None:
        """The request ended in neither success nor a transport failure (say, a serialisation error)."""
        with self._lock:
            self._in_flight.pop(id(ticket), None)
            if ticket.probe:
                self._probing = False


class BreakerTransport(Transport):
    """``elastic_transport.Transport`` with a ``CircuitBreaker`` around ``perform_request``."""

    def __init__(self, *args: Any, breaker: CircuitBreaker | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.breaker = breaker or CircuitBreaker()

    def perform_request(self, method: str, target: str, **kwargs: Any):  # type: ignore[override]
        timeout = kwargs.get("request_timeout", DEFAULT)
        if timeout is None or (timeout is not DEFAULT and timeout > GUARDED_TIMEOUT_SECONDS):
            return super().perform_request(method, target, **kwargs)
        ticket = self.breaker.admit()
        try:
            response = super().perform_request(method, target, **kwargs)
        except (TransportConnectionError, ConnectionTimeout):
            self.breaker.failure(ticket)
            raise
        except BaseException:
            self.breaker.release(ticket)
            raise
        self.breaker.success(ticket)
        return response
