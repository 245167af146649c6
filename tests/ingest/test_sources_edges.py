"""The readers' edges: how a rejection is printed, the sidecar's and the page's size limits met
exactly, the sidecar's reasons, which files a folder walk takes and why it refuses the others."""

import os
from pathlib import Path

import pytest

from service.ingest import sources
from service.ingest.sources import BadRecord, Rejection, _sidecar, _walk_folder, read_scraped_file, walk_paths

PAGE = "כותרת הכתבה\n\nפסקה ראשונה של הכתבה.\n"


def test_a_rejection_names_its_line_when_it_has_one():
    assert str(Rejection("a.jsonl", 3, "broken JSON")) == "a.jsonl:3: broken JSON"
    assert str(Rejection("a.txt", None, "no title")) == "a.txt: no title"


def sidecar_of(tmp_path: Path, text: str) -> Path:
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    return tmp_path / "a.txt"


def test_a_sidecar_may_be_exactly_the_size_limit(tmp_path):
    body = '{"source": "ynet"}'
    page = sidecar_of(tmp_path, body + " " * (sources.MAX_SIDECAR_BYTES - len(body)))
    assert _sidecar(page) == {"source": "ynet"}
    sidecar_of(tmp_path, body + " " * (sources.MAX_SIDECAR_BYTES - len(body) + 1))
    with pytest.raises(BadRecord, match=r"^sidecar a.json is over 1,000,000 bytes: not metadata$"):
        _sidecar(page)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "sidecar a.json is JSON nested too deeply to read"),
        ('["ynet"]', "sidecar a.json must hold a JSON object"),
        ('{"url": 5}', "sidecar a.json: url: 5 is not of type 'string'"),
    ],
)
def test_a_bad_sidecar_says_why(tmp_path, text, reason):
    with pytest.raises(BadRecord) as caught:
        _sidecar(sidecar_of(tmp_path, text))
    assert str(caught.value) == reason


def test_a_page_may_be_exactly_the_size_limit(tmp_path, monkeypatch):
    page = tmp_path / "a.txt"
    page.write_text(PAGE + "פורסם: 22.12.15 , 19:45\n", encoding="utf-8")
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", page.stat().st_size)
    assert read_scraped_file(page).title == "כותרת הכתבה"
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", page.stat().st_size - 1)
    with pytest.raises(
        BadRecord, match=rf"^file is over {page.stat().st_size - 1:,} bytes: not a scraped page$"
    ):
        read_scraped_file(page)


def test_a_page_without_a_sidecar_is_dated_by_what_it_prints_else_refused(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(PAGE + "פורסם: 22.12.15 , 19:45\n", encoding="utf-8")
    assert read_scraped_file(page).published_at.isoformat() == "2015-12-22T19:45:00+02:00"
    page.write_text(PAGE, encoding="utf-8")
    with pytest.raises(BadRecord, match=r"^no publication date"):
        read_scraped_file(page)
    assert read_scraped_file(page, allow_undated=True).published_at is None


def test_a_folder_walk_takes_pages_feeds_and_json_lines_and_nothing_else(tmp_path):
    for name in ["a.html", "b.rss", "c.jsonl", "d.txt", "e.csv", "f.json"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in walk_paths([tmp_path])] == ["a.html", "b.rss", "c.jsonl", "d.txt"]


def test_a_folder_that_cannot_be_read_is_a_rejection(tmp_path):
    missing = tmp_path / "gone"
    [(where, rejection)] = _walk_folder(missing)
    assert where == missing
    assert rejection == Rejection(str(missing), None, "cannot read folder: No such file or directory")


def test_a_folder_walk_refuses_what_is_no_regular_file_and_links_to_folders(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    reasons = {Path(r.path).name: r.reason for r in walk_paths([tmp_path]) if isinstance(r, Rejection)}
    assert reasons == {
        "pipe.txt": "not a regular file",
        "link": "link to a folder, not followed (name its target instead)",
    }
