"""A value built on first use and then shared by the application's threads: the gazetteer and
what the read side derives from it (did-you-mean's name variants, suggest's aliases) take a second
or two to build, which no process should pay before it needs them, nor twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value
