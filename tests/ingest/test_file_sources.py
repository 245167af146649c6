"""What a user sees of each file reader: a JSON Lines line's rejection names file, line and the exact
reason; a gzip is read up to its cap and no further; a scraped page takes its sidecar's metadata,
and otherwise none; a saved HTML page must be dated; a folder walk names what it cannot read."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from service.ingest import sources
from service.ingest.sources import (
    BadRecord,
    Rejection,
    article_of_file,
    article_of_line,
    iter_jsonl_lines,
    read_html_file,
    read_paths,
)
from service.model import Article
from tests.ingest.records import GOOD

UNDATED = {k: v for k, v in GOOD.items() if k != "published_at"}
DATED_PAGE = "כותרת הכתבה\n\nפורסם: 22.12.15 , 19:45\n\nפסקה ראשונה של הכתבה.\n"
UNDATED_HTML = (
    "<html><head><title>כותרת הכתבה</title></head><body><article><h1>כותרת הכתבה</h1><p>"
    + "פסקה ראשונה של הכתבה, ארוכה דיה כדי להיחשב טקסט. " * 3
    + "</p></article></body></html>"
)


def line_of(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def test_a_bom_starts_a_file_but_breaks_a_line_in_the_middle_of_one(tmp_path):
    """Two files saved with a BOM and joined with cat: the first BOM is the file's, the second
    is a stray character at the start of line 2."""
    path = tmp_path / "joined.jsonl"
    path.write_bytes(b"".join(codecs.BOM_UTF8 + line_of(GOOD) + b"\n" for _ in range(2)))
    first, second = read_paths([path])
    assert isinstance(first, Article) and first.title == GOOD["title"]
    assert second == Rejection(
        str(path), 2, "broken JSON: Unexpected UTF-8 BOM (decode using utf-8-sig) at column 1"
    )


def test_a_line_is_dated_unless_undated_lines_are_allowed():
    assert article_of_line("a.jsonl", 4, line_of(UNDATED)) == Rejection(
        "a.jsonl", 4, "schema: record: 'published_at' is a required property"
    )
    article = article_of_line("a.jsonl", 4, line_of(UNDATED), allow_undated=True)
    assert isinstance(article, Article) and article.published_at is None
    assert article.origin == "a.jsonl:4"


LONG_AUTHORS = "'" + "א" * 300 + "' is not of type 'array'"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({**GOOD, "images": [{"caption": 5}]}, "schema: images/0/caption: 5 is not of type 'string'"),
        ({**GOOD, "body": [{"heading": "רקע"}]}, "schema: body/0: 'paragraphs' is a required property"),
        ({**GOOD, "authors": "א" * 300}, f"schema: authors: {LONG_AUTHORS[:200]}"),
    ],
    ids=["image-caption", "body-section", "message-cut-at-200"],
)
def test_a_schema_rejection_names_the_field_by_its_path(record, reason):
    assert article_of_line("a.jsonl", 1, line_of(record)) == Rejection("a.jsonl", 1, reason)


def test_a_bug_on_one_line_is_that_lines_rejection(monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> Article:
        raise RuntimeError("ש" * 250)

    monkeypatch.setattr(sources, "article_from_record", broken)
    assert article_of_line("a.jsonl", 7, line_of(GOOD)) == Rejection(
        "a.jsonl", 7, "unexpected RuntimeError: " + "ש" * 200
    )


def test_overlong_lines_report_their_whole_size_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "READ_CHUNK", 4)
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a":1}\n' + b"x" * 25 + b"\n" + b"y" * 30)  # the last line unterminated
    assert list(iter_jsonl_lines(path, max_line_bytes=10)) == [
        (1, b'{"a":1}\n'),
        Rejection(str(path), 2, "line is 26 bytes, over the 10 limit"),
        Rejection(str(path), 3, "line is 30 bytes, over the 10 limit"),
    ]


def test_a_file_that_cannot_be_opened_is_one_rejection_without_a_line(tmp_path):
    assert list(iter_jsonl_lines(tmp_path / "gone.jsonl")) == [
        Rejection(str(tmp_path / "gone.jsonl"), None, "cannot read: No such file or directory")
    ]
    assert list(iter_jsonl_lines(tmp_path)) == [Rejection(str(tmp_path), None, "cannot read: Is a directory")]


def gzipped(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data))
    return path


def test_a_gzip_may_decompress_to_exactly_its_cap(tmp_path, monkeypatch):
    data = (b'{"title": "x"}'.ljust(99) + b"\n") * 100  # 10,000 bytes, far over 100 times its gzip
    path = gzipped(tmp_path / "a.jsonl.gz", data)
    monkeypatch.setattr(sources, "READ_CHUNK", 1000)
    monkeypatch.setattr(sources, "MIN_GZIP_CAP_BYTES", len(data))
    assert [i[0] for i in iter_jsonl_lines(path)] == list(range(1, 101))
    monkeypatch.setattr(sources, "MIN_GZIP_CAP_BYTES", len(data) - 1)
    *lines, bomb = iter_jsonl_lines(path)
    assert [i[0] for i in lines] == list(range(1, 91))  # the chunks read before the cap was passed
    assert bomb == Rejection(
        str(path),
        91,
        "decompresses to over 9,999 bytes (100 times its size): a compression bomb? "
        "The rest of the file is skipped",
    )


def test_a_gzip_may_decompress_to_a_hundred_times_its_size_above_the_floor(tmp_path, monkeypatch):
    rng = random.Random(7)
    data = b"".join(rng.randbytes(40).hex().encode() + b"\n" for _ in range(200))  # compresses ~2x
    path = gzipped(tmp_path / "a.jsonl.gz", data)
    monkeypatch.setattr(sources, "MIN_GZIP_CAP_BYTES", 1000)
    assert len(data) > 1000
    assert len(list(iter_jsonl_lines(path))) == 200


def page(tmp_path: Path, text: str = DATED_PAGE, sidecar: object = None) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    if sidecar is not None:
        path.with_suffix(".json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_utf8_page_without_sidecar_has_no_url_no_source_and_no_warnings(tmp_path):
    article = article_of_file(page(tmp_path))
    assert isinstance(article, Article)
    assert (article.url, article.source, article.warnings) == ("", "", [])


def test_a_sidecar_url_that_is_no_web_address_is_dropped_with_a_warning(tmp_path):
    article = article_of_file(page(tmp_path, sidecar={"url": "javascript:alert(1)", "source": "וואלה!"}))
    assert isinstance(article, Article)
    assert (article.url, article.source) == ("", "וואלה!")
    assert article.warnings == ["url 'javascript:alert(1)' dropped: not an http(s) address"]


LOCALE_SCRIPT = """
import json, sys
from service.ingest.sources import article_of_file
article = article_of_file(sys.argv[1])
print(json.dumps([getattr(article, "source", None), str(article)]))
"""


def test_a_hebrew_sidecar_is_read_as_utf8_whatever_the_locale(tmp_path):
    """An indexer started by cron or in a bare container may run under an ASCII locale."""
    path = page(tmp_path, sidecar={"source": "וואלה!"})
    ascii_locale = {**os.environ, "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    done = subprocess.run(
        [sys.executable, "-c", LOCALE_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        cwd=Path(sources.__file__).parents[2],  # the code under test, wherever it is
        env=ascii_locale,
        check=True,
    )
    assert json.loads(done.stdout)[0] == "וואלה!", done.stdout
    assert article_of_file(path).source == "וואלה!"  # and here: mutmut follows calls in this process only


def test_a_sidecar_schema_message_is_cut_at_200_characters(tmp_path):
    rejection = article_of_file(page(tmp_path, sidecar={"url": ["א" * 300]}))
    message = "['" + "א" * 300 + "'] is not of type 'string'"
    assert rejection == Rejection(str(tmp_path / "a.txt"), None, f"sidecar a.json: url: {message[:200]}")


UNDATED_REASON = "no publication date: no sidecar published_at and no date printed in the page"


@pytest.mark.parametrize(
    ("stamps", "reason"),
    [
        ("", UNDATED_REASON),
        (
            "פורסם: 31.02.15\nעודכן: 30.02.15\n",
            UNDATED_REASON
            + " (printed date ignored: '31.02.15' is not a date (day is out of range for month); "
            "printed date ignored: '30.02.15' is not a date (day is out of range for month))",
        ),
    ],
    ids=["prints-no-date", "prints-two-impossible-dates"],
)
def test_an_undated_page_says_which_printed_dates_were_ignored(tmp_path, stamps, reason):
    path = page(tmp_path, f"כותרת\n\n{stamps}\nפסקה.\n")
    assert article_of_file(path) == Rejection(str(path), None, reason)


def test_a_saved_html_page_must_be_dated_unless_undated_pages_are_allowed(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(UNDATED_HTML, encoding="utf-8")
    reason = "no publication date in the page (JSON-LD, meta tags, <time> or a פורסם: line)"
    assert article_of_file(path) == Rejection(str(path), None, reason)
    with pytest.raises(BadRecord):
        read_html_file(path)
    assert read_html_file(path, allow_undated=True).published_at is None


def test_a_page_that_is_gone_is_a_rejection_with_the_systems_reason(tmp_path):
    path = tmp_path / "gone.txt"
    assert article_of_file(path) == Rejection(str(path), None, "cannot read: No such file or directory")


def test_a_bug_on_one_page_is_that_pages_rejection(tmp_path, monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> Article:
        raise RuntimeError("ש" * 250)

    monkeypatch.setattr(sources, "parse_scraped", broken)
    path = page(tmp_path)
    assert article_of_file(path) == Rejection(str(path), None, "unexpected RuntimeError: " + "ש" * 200)
