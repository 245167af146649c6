"""Whole search answers kept a few seconds in the worker, for the searches a newsroom repeats.

The home page and the popular searches come back again and again (the modelled query log of
``bench/bench_load.py`` repeats 80 % of its searches). The node's request cache spares a repeat only
its query phase; the fetch of the hits, their best parts and highlights still runs, and so does the
service's own work. A repeat answered here costs none of it. An entry lives ``seconds``
(``RESULT_CACHE_SECONDS``, default 5; 0 turns it off): an article indexed meanwhile shows on a cached
page at most that much later than on a fresh one. Keyed by the alias and the validated request.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import TTLCache

MAX_ENTRIES = 1024  # a few MiB of answers at the most


class ResultCache:
    """A thread-safe TTL cache of search answers; ``get_or_run`` is the one entry point."""

    def __init__(self, seconds: float, size: int = MAX_ENTRIES, timer: Callable[[], float] = time.monotonic):
        self._entries: TTLCache | None = TTLCache(size, seconds, timer=timer) if seconds > 0 else None
        self._lock = threading.Lock()

    def get_or_run(self, key: Hashable, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The cached answer for ``key``, else ``run()``'s (kept when it succeeds). Callers get a
        copy: a page that adds to its answer must not change the next one's."""
        if self._entries is None:
            return run()
        with self._lock:
            found = self._entries.get(key)
        if found is not None:
            return copy.deepcopy(found)
        answer = run()
        with self._lock:
            self._entries[key] = copy.deepcopy(answer)
        return answer
