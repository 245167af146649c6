"""Every input form, and every kind of bad input: each bad record is reported, the rest is read."""

import gzip
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from service.ingest.sources import Rejection, read_paths
from service.model import Article
from tests.project import SEED

GOOD = {
    "url": "https://example.test/a/1",
    "source": "example",
    "title": "הממשלה אישרה את התקציב",
    "lead": "אחרי לילה של דיונים אישרה הממשלה את תקציב המדינה.",
    "published_at": "2021-06-01T09:30:00+03:00",
    "authors": ["דנה לוי", "יוסי כהן"],
    "body": ["פסקה ראשונה של הכתבה.", "פסקה שנייה של הכתבה."],
    "images": [
        {"caption": "ישיבת הממשלה", "credit": 'עמוס בן גרשום לע"מ'},
        {"caption": "ישיבת הממשלה", "credit": 'עמוס בן גרשום לע"מ'},
        {"caption": "שר האוצר"},
    ],
}


def jsonl(path: Path, *records) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n",
        encoding="utf-8",
    )
    return path


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)]


def test_jsonl_record_becomes_an_article(tmp_path):
    (article,), rejected = split(read_paths([jsonl(tmp_path / "a.jsonl", GOOD)]))
    assert not rejected
    assert article.published_at == datetime.fromisoformat("2021-06-01T09:30:00+03:00")
    assert article.authors == ["דנה לוי", "יוסי כהן"]
    assert [p.kind for p in article.parts] == ["title", "lead", "body", "body", "caption", "caption"]
    caption = article.parts[4]
    assert caption.credit.people == ("עמוס בן גרשום",) and caption.credit.agencies == ('לע"מ',)
    assert article.parts[5].credit is None
    assert article.origin.endswith("a.jsonl:1")


def test_body_as_text_with_blank_lines_and_as_sections(tmp_path):
    as_text = {**GOOD, "url": "u2", "body": "פסקה אחת.\nהמשך שלה.\n\nפסקה שתיים."}
    sections = {
        **GOOD,
        "url": "u3",
        "body": ["פתיח.", {"heading": "רקע", "paragraphs": ["ראשונה.", "שנייה."]}],
    }
    (a, b), _ = split(read_paths([jsonl(tmp_path / "a.jsonl", as_text, sections)]))
    assert [p.text for p in a.parts if p.kind == "body"] == ["פסקה אחת. המשך שלה.", "פסקה שתיים."]
    assert [(p.heading, p.text) for p in b.parts if p.kind == "body"] == [
        ("", "פתיח."),
        ("רקע", "ראשונה.\n\nשנייה."),
    ]


def test_date_alone_is_allowed(tmp_path):
    (article,), _ = split(read_paths([jsonl(tmp_path / "a.jsonl", {**GOOD, "published_at": "2015-12-22"})]))
    assert article.published_at == date(2015, 12, 22)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({k: v for k, v in GOOD.items() if k != "title"}, "title"),
        ({**GOOD, "title": "   "}, "title"),
        ({k: v for k, v in GOOD.items() if k != "published_at"}, "published_at"),
        ({**GOOD, "published_at": "22/12/2015"}, "published_at"),
        ({**GOOD, "published_at": "2015-12-22T10:00:00"}, "published_at"),
        ({**GOOD, "published_at": "2015-13-45"}, "not an ISO 8601 date"),
        ({**GOOD, "body": 7}, "body"),
        ("{not json", "broken JSON"),
        ('["a list"]', "schema"),
    ],
)
def test_bad_jsonl_records_are_rejected_with_file_line_and_reason(tmp_path, record, reason):
    path = jsonl(tmp_path / "mixed.jsonl", GOOD, record, {**GOOD, "url": "other"})
    articles, rejected = split(read_paths([path]))
    assert len(articles) == 2
    assert len(rejected) == 1
    assert rejected[0].path == str(path) and rejected[0].line == 2
    assert reason in rejected[0].reason


def test_undated_allowed_on_request(tmp_path):
    record = {k: v for k, v in GOOD.items() if k != "published_at"}
    (article,), _ = split(read_paths([jsonl(tmp_path / "a.jsonl", record)], allow_undated=True))
    assert article.published_at is None


def test_absurdly_long_and_non_utf8_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    huge = json.dumps({**GOOD, "body": ["א" * 3_000_000]}, ensure_ascii=False)
    path.write_bytes(
        json.dumps(GOOD).encode()
        + b"\n"
        + huge.encode()
        + b"\n"
        + json.dumps({**GOOD, "title": "שלום"}, ensure_ascii=False).encode("cp1255")
        + b"\n"
    )
    articles, rejected = split(read_paths([path]))
    assert len(articles) == 1
    assert [(r.line, r.reason.split()[0]) for r in rejected] == [(2, "line"), (3, "not")]


def test_html_in_jsonl_is_converted_and_reported(tmp_path):
    record = {**GOOD, "body": ["<p>פסקה <b>מודגשת</b></p><p>ועוד&nbsp;אחת</p>"]}
    (article,), _ = split(read_paths([jsonl(tmp_path / "a.jsonl", record)]))
    assert [p.text for p in article.parts if p.kind == "body"] == ["פסקה מודגשת", "ועוד אחת"]
    assert article.warnings == ["HTML markup removed"]


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(GOOD, ensure_ascii=False) + "\n")
    articles, rejected = split(read_paths([path]))
    assert len(articles) == 1 and not rejected


def test_folder_of_pages_with_sidecars(tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    (tmp_path / "seed.json").write_text(
        json.dumps(
            {"url": "https://ynet.test/1", "source": "ynet", "published_at": "2015-12-22T20:34:00+02:00"}
        )
    )
    (article,), rejected = split(read_paths([tmp_path]))
    assert not rejected
    assert article.url == "https://ynet.test/1" and article.source == "ynet"
    assert article.published_at.isoformat() == "2015-12-22T20:34:00+02:00"


def test_a_folder_with_bad_files_mixed_in(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    sidecar = json.dumps({"published_at": "2015-12-22"})
    for name, data in {
        "good.txt": text.encode("utf-8"),
        "cp1255.txt": text.replace("\u00a0", " ").encode("cp1255"),
        "utf16.txt": text.encode("utf-16"),
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(300),
        "chrome-only.txt": "סגורסגור\nמומלצים\n".encode(),
        "undated.txt": text.encode("utf-8"),
        "badsidecar.txt": text.encode("utf-8"),
    }.items():
        (tmp_path / name).write_bytes(data)
        if name not in ("undated.txt", "badsidecar.txt"):
            (tmp_path / name).with_suffix(".json").write_text(sidecar)
    (tmp_path / "badsidecar.json").write_text("{oops")
    jsonl(tmp_path / "feed.jsonl", GOOD, "{broken")
    articles, rejected = split(read_paths([tmp_path]))
    assert sorted(Path(a.origin).name for a in articles) == [
        "cp1255.txt",
        "feed.jsonl:1",
        "good.txt",
        "utf16.txt",
    ]
    reasons = {Path(r.path).name: r.reason for r in rejected}
    assert set(reasons) == {
        "empty.txt",
        "binary.txt",
        "chrome-only.txt",
        "undated.txt",
        "badsidecar.txt",
        "feed.jsonl",
    }
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "no title" in reasons["chrome-only.txt"] and "date" in reasons["undated.txt"]
    assert "sidecar" in reasons["badsidecar.txt"] and "broken JSON" in reasons["feed.jsonl"]
    good = next(a for a in articles if a.origin.endswith("good.txt"))
    for other in ("cp1255.txt", "utf16.txt"):
        decoded = next(a for a in articles if a.origin.endswith(other))
        assert [p.text for p in decoded.parts] == [p.text for p in good.parts]
        assert any("decoded from" in w for w in decoded.warnings)


def test_ids_are_stable_and_come_from_the_url(tmp_path):
    first, _ = split(read_paths([jsonl(tmp_path / "a.jsonl", GOOD)]))
    again, _ = split(read_paths([jsonl(tmp_path / "b.jsonl", {**GOOD, "title": "כותרת מתוקנת"})]))
    no_url = {k: v for k, v in GOOD.items() if k != "url"}
    c, _ = split(read_paths([jsonl(tmp_path / "c.jsonl", no_url)]))
    d, _ = split(read_paths([jsonl(tmp_path / "d.jsonl", {**no_url, "published_at": "2021-06-02"})]))
    assert first[0].id == again[0].id
    assert c[0].id != first[0].id and c[0].id != d[0].id


def test_explicit_id_wins(tmp_path):
    (article,), _ = split(read_paths([jsonl(tmp_path / "a.jsonl", {**GOOD, "id": "my-id"})]))
    assert article.id == "my-id"


def test_missing_path_is_a_rejection_not_a_crash(tmp_path):
    _, rejected = split(read_paths([tmp_path / "nope.txt"]))
    assert "cannot read" in rejected[0].reason
