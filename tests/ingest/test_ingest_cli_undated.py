"""``flask ingest`` is for inspection: it parses undated pages too and says that indexing needs a date."""

import json

from service import create_app
from service.config import Settings
from tests.project import FIXTURES

NOTE = "no date: indexing needs one, or --allow-undated"


def runner():
    return create_app(Settings(es_url="http://127.0.0.1:9", es_index="unused")).test_cli_runner()


def test_ingest_prints_an_undated_page_and_says_it_has_no_date(tmp_path):
    (tmp_path / "undated.txt").write_text("כותרת הכתבה\n\nפסקה ראשונה של הכתבה.\n", encoding="utf-8")
    (tmp_path / "dated.txt").write_bytes((FIXTURES / "scraped" / "layout_maariv_thrice.txt").read_bytes())
    result = runner().invoke(args=["ingest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["title"], a["published_at"]) for a in printed] == [
        ("סקר: רוב הציבור תומך בהקמת ועדת חקירה ממלכתית", "2022-04-18T08:40:00+03:00"),
        ("כותרת הכתבה", None),
    ]
    assert f"undated.txt: {NOTE}" in result.stderr
    assert "/dated.txt: no date" not in result.stderr and result.stderr.count(NOTE) == 1
    assert "read 2, parsed 2 (1 without a date), rejected 0" in result.stderr


def test_with_allow_undated_ingest_prints_it_without_the_warning(tmp_path):
    (tmp_path / "undated.txt").write_text("כותרת הכתבה\n\nפסקה ראשונה של הכתבה.\n", encoding="utf-8")
    result = runner().invoke(args=["ingest", "--allow-undated", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["published_at"] is None
    assert NOTE not in result.stderr
    assert "read 1, parsed 1 (1 without a date), rejected 0" in result.stderr
