"""Is a word in the Hebrew dictionary? The NER model's strongest hint of an unknown name.

Hebrew has no capitals; a foreign surname (סילבר, הארקין) is mostly just a word no dictionary knows,
behind any clitic prefix. Debian's hunspell-he (hspell's word list, ``/usr/share/hunspell/he_IL.dic``,
470k inflected forms with their prefix-flag class) knows ordinary Hebrew words and few foreign names.
The file is AGPL: it is read at run time, never copied into the repository. Its path is set by
``NER_DICTIONARY``; without it the model cannot compute a feature it was trained with, so loading fails
with a message naming the package instead of tagging silently worse.

Memory: a sorted ``array`` of the forms' 64-bit hashes, each with the form's flag class in its 4 low
bits (3.8 MB, against ~40 MB for a set of the strings), and where each of 65k buckets of hashes starts
(0.5 MB); a lookup is a bisect within its bucket. Python's string hash is
salted per process, which is fine: the table is built in the process that uses it. A false hit needs a
60-bit collision among 470k forms (odds about 1 in 2·10^12 per lookup).
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

DEFAULT_PATH = Path("/usr/share/hunspell/he_IL.dic")
ENV = "NER_DICTIONARY"
_CODES = 16  # flag classes a hash's low bits can hold (he_IL.dic has 10)
_INDEX_BITS = 16  # the bucket index: 65k starts, 0.5 MB, about 7 keys a bucket


def dictionary_path() -> Path:
    return Path(os.environ.get(ENV) or DEFAULT_PATH)


class Lexicon:
    """The dictionary's forms: ``flag(form)`` is its prefix-flag class ("a", "b", "c", …), or "" when
    the dictionary does not know the form."""

    def __init__(self, forms: Iterable[tuple[str, str]]) -> None:
        """``forms``: (form, flag class) pairs; each form's hash keeps its class in its low 4 bits."""
        classes: dict[str, int] = {}
        keys = []
        for form, flag in forms:
            code = classes.setdefault(flag, len(classes))
            if code >= _CODES:
                raise ValueError(f"more than {_CODES} flag classes")
            keys.append((hash(form) & ~(_CODES - 1)) | code)
        keys.sort()
        self._keys = array("q", keys)
        self._classes = list(classes)
        # Where each run of keys with the same top _INDEX_BITS bits starts (and ends): a lookup
        # bisects a handful of keys, not all 470k (a bisect of the whole array builds ~20 ints).
        half = 1 << (_INDEX_BITS - 1)
        bounds = ((b - half) << (64 - _INDEX_BITS) for b in range(1 << _INDEX_BITS))
        self._starts = array("q", [*(bisect_left(self._keys, x) for x in bounds), len(self._keys)])

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        path = path or dictionary_path()
        if not path.exists():
            raise FileNotFoundError(
                f"Hebrew dictionary {path} not found: the NER model needs Debian's hunspell-he "
                f"(apt-get install hunspell-he, done by scripts/elasticsearch.sh install) or {ENV}=PATH"
            )
        with open(path, encoding="utf-8") as f:
            next(f)  # the word count
            lines = (line.rstrip("\n").partition("/") for line in f)
            return cls((form, flags[:1] or "-") for form, _, flags in lines if form)

    def __len__(self) -> int:
        return len(self._keys)

    def flag(self, form: str) -> str:
        key = hash(form) & ~(_CODES - 1)
        b = _bucket(key)
        hi = self._starts[b + 1]
        i = bisect_left(self._keys, key, self._starts[b], hi)
        if i < hi and self._keys[i] & ~(_CODES - 1) == key:
            return self._classes[self._keys[i] & (_CODES - 1)]
        return ""


def _bucket(key: int) -> int:
    """The top _INDEX_BITS bits of a signed 64-bit key, as 0.. 2**_INDEX_BITS - 1 in key order."""
    return (key >> (64 - _INDEX_BITS)) + (1 << (_INDEX_BITS - 1))
