"""The threads that overlap computing, decoding and writing: order kept, errors surfaced."""

from __future__ import annotations

import pytest

from acupoint.engine.backends import consumed_in_background, prefetched


def test_prefetched_keeps_order_and_raises_the_producers_error():
    assert list(prefetched(iter(range(100)), depth=2)) == list(range(100))

    def failing():
        yield 1
        raise RuntimeError("disk full")

    seen = []
    with pytest.raises(RuntimeError, match="disk full"):
        for item in prefetched(failing()):
            seen.append(item)
    assert seen == [1]


def test_stopping_early_does_not_hang():
    consumed = prefetched(iter(range(1_000_000)), depth=2)
    assert next(consumed) == 0
    consumed.close()


def test_background_consumer_gets_everything_and_reports_its_failure():
    got = []
    put, close = consumed_in_background(got.append)
    for item in range(50):
        put(item)
    close()
    assert got == list(range(50))

    def refuse(item):
        raise ValueError(f"cannot write {item}")

    put, close = consumed_in_background(refuse)
    put(1)
    with pytest.raises(ValueError, match="cannot write 1"):
        close()
