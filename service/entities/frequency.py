"""How common a Hebrew word is (wordfreq's Zipf scale: 3 is rare, 6 is "של"), loaded once."""

from __future__ import annotations

import math
from functools import cache


@cache
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("he")


def zipf(word: str) -> float:
    f = _frequencies().get(word, 0.0)
    return math.log10(f * 1e9) if f > 0 else 0.0


def warm_up() -> None:
    _frequencies()
