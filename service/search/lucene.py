"""Lucene's regular expressions, as an aggregation's ``include`` takes them."""

from __future__ import annotations

import re

_LUCENE_REGEX_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~^$])')


def lucene_escape(text: str) -> str:
    """Escape text for a Lucene regular expression (an aggregation's include), which is not
    Python's syntax: re.escape leaves '"' and '@' alone and Lucene treats them as operators."""
    return _LUCENE_REGEX_SPECIAL.sub(r"\\\1", text)
