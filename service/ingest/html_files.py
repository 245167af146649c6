"""A saved page's bytes → its text: bounded reads (a 50 MB page or a gzip bomb is refused before it
is read), then the encoding: a BOM, valid UTF-8, the charset the page declares (Windows-1255 is
common on older Hebrew sites), else a guess."""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from pathlib import Path

from service.ingest.decode import Undecodable, decode

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
# A news page with its inline scripts and styles is 0.1-3 MB; ten times that is not one page.
MAX_HTML_BYTES = 30_000_000
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


class NotAnArticle(ValueError):
    """A page that cannot become an article; the message is the reason given to the user."""


def is_html_page(path: str | Path) -> bool:
    return str(path).lower().endswith(HTML_SUFFIXES)


def read_html_bytes(path: Path, limit: int = MAX_HTML_BYTES) -> bytes:
    """The page's bytes, refused (NotAnArticle) when the file or what it decompresses to is over
    ``limit``: read in a bounded way, so a 50 MB page or a gzip bomb costs no memory."""
    size = path.stat().st_size
    if size > limit:
        raise NotAnArticle(f"file is {size:,} bytes, over the {limit:,} limit for one HTML page")
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise NotAnArticle(f"broken gzip file: {exc}") from None
    if len(data) > limit:
        raise NotAnArticle(f"decompresses to over {limit:,} bytes, the limit for one HTML page")
    return data


def declared_charset(data: bytes) -> str | None:
    """The encoding the page declares in ``<meta charset>`` or ``http-equiv``, when Python knows it."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    name = {"windows-1255": "cp1255", "iso-8859-8-i": "iso8859_8", "visual": "iso8859_8"}.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM, then valid UTF-8 (whatever the page claims: a UTF-8 page with a
    stale declaration is common, the reverse is not), then the declared charset, then a guess."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data[:4096]:
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = declared_charset(data)
    if declared and declared not in ("utf-8", "utf-16"):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return decode(data)
    except Undecodable as exc:
        raise NotAnArticle(str(exc)) from None
