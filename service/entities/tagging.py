"""Tag raw text with its entities, offsets into the text AS GIVEN: what ``flask entities`` prints and
``bench/eval_entities.py`` scores, so that both measure the same function.

Extractors work on normalised text (``service/normalize.py``: no niqqud or bidi marks, ASCII
gershayim, single spaces), so every offset is mapped back to the original characters. Input is
plain text (one text a file) or JSON Lines (``{"id", "text"}`` a line); each bad item (empty,
binary, too long, broken JSON) is an error of its own and the others go on.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from service.entities.extractor import EntityExtractor
from service.normalize import normalize

TYPES = ("person", "place", "organisation")
# A text is an article or a batch of sentences; 400 KB (200,000 Hebrew letters) is ten times a
# long article, and a bigger one is a mistake (a whole dump on one line) better split by its owner.
MAX_TEXT_BYTES = 400_000
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# What normalize turns into an ASCII gershayim or geresh (its quote-likes and the Hebrew marks).
QUOTES = frozenset(
    "\"'`\u00b4\u05f3\u05f4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u02b9\u02ba\u02bc\uff02"
)


@dataclass(frozen=True)
class Item:
    source: str  # "file", "file:line" or "-" (stdin): where an error is reported
    id: Any = None
    text: str = ""
    error: str = ""


def tag(extractor: EntityExtractor, text: str) -> list[dict[str, Any]]:
    """The people, places and organisations of ``text``, offsets into ``text`` (prefix excluded)."""
    normalised = normalize(text)
    if not normalised:
        return []
    (mentions,) = extractor.extract([normalised]).parts
    starts = offset_map(text, normalised)
    found = []
    for m in mentions:
        if m.type not in TYPES or m.end <= m.start:
            continue
        start, end = original_span(text, starts, m.start, m.end)
        found.append(
            {
                "start": start,
                "end": end,
                "type": m.type,
                "text": text[start:end],
                "entity_id": m.entity_id,
                "name": m.name,
            }
        )
    return found


def original_span(original: str, starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of ``original`` that normalised ``[start, end)`` comes from (``starts``: its
    ``offset_map``): up to its last character, and that letter's points (niqqud, category Mn), but
    not the marks or spaces after it."""
    last = starts[end - 1] + 1 if end > start else starts[start]
    while last < len(original) and unicodedata.category(original[last]) == "Mn":
        last += 1
    return starts[start], last


# -- offsets -------------------------------------------------------------------------------------


def offset_map(original: str, normalised: str) -> list[int]:
    """For each index of ``normalised`` (and its length), the index in ``original`` of the character
    it comes from. One linear pass, since ``normalize`` only deletes, folds or collapses characters
    (and sets a hyphen between a prefix and a Latin word); difflib when that pass gets lost."""
    if original == normalised:
        return list(range(len(normalised) + 1))
    mapping = _align(original, normalised)
    return mapping if mapping is not None else _diff_map(original, normalised)


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    return normalize(char) if not char.isspace() else " "


def _align(original: str, normalised: str) -> list[int] | None:
    mapping: list[int] = []
    i, n = 0, len(original)
    j, m = 0, len(normalised)
    while j < m:
        c = normalised[j]
        o = original[i] if i < n else ""
        if o == c or (c in "\"'" and o in QUOTES):
            mapping.append(i)
            i, j = i + 1, j + 1
        elif o and (folded := _fold(o)) and normalised.startswith(folded, j):
            mapping += [i] * len(folded)  # a presentation form or ligature: several from one
            i, j = i + 1, j + len(folded)
        elif c == "-" and o.isalpha():
            mapping.append(i)  # "בGoogle" → "ב-Google": the hyphen is normalize's own
            j += 1
        elif o:
            i += 1  # a point, an invisible mark, a doubled quote, a second space
        else:
            return None
    mapping.append(n)
    return mapping


def _diff_map(original: str, normalised: str) -> list[int]:
    return _opcode_map(original, normalised, forward=False)


def forward_map(original: str, normalised: str) -> list[int]:
    """For each offset of ``original`` (and its length), the offset of the same character in
    ``normalised``: ``offset_map``'s other direction (training maps gold spans onto normalised text)."""
    if original == normalised:
        return list(range(len(original) + 1))
    return _opcode_map(original, normalised, forward=True)


def _opcode_map(original: str, normalised: str, forward: bool) -> list[int]:
    """difflib's alignment as an offset table, from ``normalised`` to ``original`` or, ``forward``,
    the other way; inside a replaced run each character maps to the same place or the run's last."""
    source, target = (original, normalised) if forward else (normalised, original)
    mapping = [0] * (len(source) + 1)
    matcher = difflib.SequenceMatcher(None, original, normalised, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        s1, s2, t1, t2 = (i1, i2, j1, j2) if forward else (j1, j2, i1, i2)
        for k in range(s2 - s1):
            mapping[s1 + k] = t1 + (k if op == "equal" else min(k, max(0, t2 - t1 - 1)))
    mapping[len(source)] = len(target)
    return mapping


# -- input ---------------------------------------------------------------------------------------


def read_items(paths: Sequence[Path], stdin: IO[bytes]) -> Iterator[Item]:
    """Every text of ``paths`` (stdin when none): JSON Lines for .jsonl/.ndjson files and for input
    whose first line is a JSON object, else the whole file is one text."""
    if not paths:
        yield from _read_stream("-", stdin, None)
        return
    for path in paths:
        try:
            with open(path, "rb") as stream:
                yield from _read_stream(str(path), stream, path.suffix.lower() in JSONL_SUFFIXES or None)
        except OSError as exc:
            yield Item(str(path), error=f"cannot read: {exc.strerror or exc}")


def _read_stream(name: str, stream: IO[bytes], jsonl: bool | None) -> Iterator[Item]:
    first = stream.readline(MAX_TEXT_BYTES + 1)
    if jsonl is None:
        jsonl = first.lstrip().startswith(b"{")
    if not jsonl:
        data = first + stream.read(MAX_TEXT_BYTES + 1 - len(first))
        yield _text_item(name, name, data, len(data) > MAX_TEXT_BYTES)
        return
    number, line = 0, first
    while line:
        number += 1
        too_long = len(line) > MAX_TEXT_BYTES and not line.endswith(b"\n")
        while too_long and (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass  # the rest of a line too long to read: skipped, never held in memory
        if line.strip():
            yield _json_item(f"{name}:{number}", line, too_long)
        line = stream.readline(MAX_TEXT_BYTES + 1)


def _text_item(source: str, item_id: Any, data: bytes, too_long: bool) -> Item:
    if too_long:
        return Item(source, error=f"text over {MAX_TEXT_BYTES:,} bytes: split it into smaller texts")
    if b"\x00" in data:
        return Item(source, error="binary data, not text (a NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Item(source, error=f"not UTF-8 text (byte {exc.start}): binary data or another encoding")
    if not text.strip():
        return Item(source, error="empty text")
    return Item(source, item_id, text)


def _json_item(source: str, line: bytes, too_long: bool) -> Item:
    if too_long:
        return _text_item(source, None, line, True)
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, ValueError) as exc:
        return Item(source, error=f"broken JSON: {exc}")
    if not isinstance(record, dict):
        return Item(source, error='not a JSON object ({"id": ..., "text": ...})')
    text, item_id = record.get("text"), record.get("id", source)
    if not isinstance(text, str):
        return Item(source, error='no "text" string')
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        return Item(source, error='"id" must be a string or an integer')
    if "\x00" in text:
        return Item(source, error="binary data, not text (a NUL character)")
    return Item(source, item_id, text) if text.strip() else Item(source, error="empty text")
