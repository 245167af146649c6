"""Bytes from a file → text, whatever encoding an older Hebrew site saved it in.

UTF-8 is tried first (the fast, common path); otherwise charset-normalizer chooses among the
encodings Hebrew text is found in (Windows-1255, ISO-8859-8, UTF-16). Binary files are refused.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

HEBREW_ENCODINGS = ["utf_8", "cp1255", "iso8859_8", "utf_16", "utf_16_le", "utf_16_be"]
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# Encodings that need no word to the user: UTF-8 (with or without its byte-order mark) and ASCII.
PLAIN_ENCODINGS = frozenset({"utf-8", "utf_8", "utf-8-sig", "ascii"})


class Undecodable(ValueError):
    pass


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 Hebrew has a high byte of 0x05 (letters) or 0x00 (spaces, digits) in one parity."""
    sample = data[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    for encoding, highs, lows in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if sum(1 for b in highs if b in (0x00, 0x05)) > 0.9 * len(highs) and lows.count(0) < 0.05 * len(lows):
            return encoding
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises Undecodable for empty, binary or unreadable input."""
    if not data.strip():
        raise Undecodable("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise Undecodable("binary file (NUL bytes)")
        try:
            return _checked(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            raise Undecodable(f"broken {encoding}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=HEBREW_ENCODINGS).best()
    if best is None:
        raise Undecodable("not text in any encoding Hebrew is written in")
    return _checked(str(best)), best.encoding


def _checked(text: str) -> str:
    """Refuse text that decoded but is mostly control characters: a binary file after all."""
    sample = text[:20000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 0.01 * max(1, len(sample)):
        raise Undecodable("binary file (control characters)")
    return text
