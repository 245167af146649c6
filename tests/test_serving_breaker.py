"""The circuit breaker's state machine (service/breaker.py), a pure function of its calls and its
clock; the real frozen node is in tests/test_serving_frozen.py."""

from __future__ import annotations

import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from service.breaker import BreakerTransport, CircuitBreaker, CircuitOpen
from service.config import Settings
from service.es import make_client


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_single_slow_query_among_successes_never_opens_it():
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, open_seconds=2, clock=clock)
    for _ in range(10):
        slow = breaker.admit()
        young = [breaker.admit() for _ in range(5)]
        clock.now += 1.5
        others = [breaker.admit() for _ in range(5)]  # sent just now: not stuck
        breaker.failure(slow)
        for ticket in young + others:
            breaker.success(ticket)
    assert breaker.state == "closed"


def test_three_failures_in_a_row_open_it_and_it_refuses_at_once():
    breaker = CircuitBreaker(threshold=3, open_seconds=2, clock=Clock())
    for _ in range(3):
        ticket = breaker.admit()
        assert not ticket.probe
        breaker.failure(ticket)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen) as raised:
        breaker.admit()
    assert isinstance(raised.value, TransportConnectionError)  # the app's handlers make it a 503
    assert 0 < raised.value.retry_in <= 2


def test_a_wave_of_requests_hung_together_opens_it_at_the_first_failure():
    # A hung node: eight requests sent together; the first to time out opens it, so a queued
    # request picked up by the freed thread is refused instead of waiting a full timeout more.
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, open_seconds=2, clock=clock)
    wave = [breaker.admit() for _ in range(8)]
    clock.now = 1.5
    breaker.failure(wave[0])
    with pytest.raises(CircuitOpen):
        breaker.admit()


def test_half_open_admits_one_probe_and_closes_on_its_success():
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, open_seconds=2, clock=clock)
    breaker.failure(breaker.admit())
    clock.now = 2.0
    assert breaker.state == "half-open"
    probe = breaker.admit()
    assert probe.probe
    with pytest.raises(CircuitOpen):
        breaker.admit()  # one probe at a time: the others are refused meanwhile
    breaker.success(probe)
    assert breaker.state == "closed" and not breaker.admit().probe


def test_a_failed_probe_opens_it_again_for_a_full_period():
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, open_seconds=2, clock=clock)
    breaker.failure(breaker.admit())
    clock.now = 2.5
    probe = breaker.admit()
    assert probe.probe
    breaker.failure(probe)
    clock.now = 4.0
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        breaker.admit()
    clock.now = 4.5
    assert breaker.admit().probe


def test_a_probe_ended_otherwise_frees_the_probe_slot():
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, open_seconds=1, clock=clock)
    breaker.failure(breaker.admit())
    clock.now = 1.0
    breaker.release(breaker.admit())
    assert breaker.admit().probe


def test_the_apps_client_has_the_breaker_and_options_share_it():
    es = make_client(Settings(es_url="http://127.0.0.1:9"))
    assert isinstance(es.transport, BreakerTransport)
    assert es.options(request_timeout=60).transport.breaker is es.transport.breaker


def test_a_refused_node_opens_it_and_long_admin_requests_bypass_it():
    # Port 9 (discard) refuses at once on loopback: real transport failures, no mock.
    es = make_client(Settings(es_url="http://127.0.0.1:9"))
    for _ in range(3):
        with pytest.raises(TransportConnectionError) as raised:
            es.info()
        assert not isinstance(raised.value, CircuitOpen)
    with pytest.raises(CircuitOpen):
        es.info()
    # Indexing asks for 60 s: it is neither refused nor counted, it reports its own failure.
    with pytest.raises(TransportConnectionError) as raised:
        es.options(request_timeout=60).info()
    assert not isinstance(raised.value, CircuitOpen)
