"""``scripts/index_corpus.py`` indexes a corpus of the shared schema (``../shared/data/SOURCES.md``)
as articles: a tiny corpus written here with the three kinds, indexed on the test node through the
script as a user runs it; then the articles are read back, and the feed lists them."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from service.follow import UNDATED
from service.ingest.corpus import article_records, corpus_records
from tests.project import ROOT

SCRIPT = ROOT / "scripts" / "index_corpus.py"
ATOM = "{http://www.w3.org/2005/Atom}"
HEADLINE = "נתניהו ופוטין נפגשו במוסקבה"
CORPUS = [
    {
        "doc_id": "headline-00001",
        "title": HEADLINE,
        "text": HEADLINE,
        "date": "2014-07-01",
        "datetime": "2014-07-01T10:51",
        "source": "MediaAnalysis/YNET",
        "kind": "headline_only",
        "lang_period": "modern",
    },
    {
        "doc_id": "heq-gt-test-040",
        "title": "סטארטאפ ישראלי גייס &quot;הון&quot; רב",
        "text": "הפסקה הראשונה מספרת על הגיוס.",
        "date": "None",
        "source": "HeQ/Geektime",
        "kind": "article_paragraph",
        "article_id": "heq-gt-art-0040",
    },
    {
        "doc_id": "021-HMZ-1878-07-23-001_toc_3",
        "title": "",
        "text": "תוכן הענינים: להשיב על תוכחת. מצות המלך. הליכות עולם. עזרת סופרים: לונדון. ועוד דברים רבים",
        "date": "1878-07-23",
        "source": "omilab-19c-press/HAMELIZ",
        "kind": "article",
        "lang_period": "19th-century (OCR)",
    },
    {
        "doc_id": "htb-001",
        "title": "",
        "text": "עשרות אנשים מגיעים מתאילנד לישראל כשהם נרשמים כמתנדבים.",
        "date": "None",
        "source": "HTB/Haaretz (NEMO, UD_Hebrew-HTB)",
        "kind": "article",
    },
    {
        "doc_id": "heq-gt-test-041",
        "title": "סטארטאפ ישראלי גייס &quot;הון&quot; רב",
        "text": "הפסקה השנייה מספרת על המשקיעים.",
        "date": "None",
        "source": "HeQ/Geektime",
        "kind": "article_paragraph",
        "article_id": "heq-gt-art-0040",
    },
    {"doc_id": "not an id", "title": "כותרת", "text": "טקסט", "date": "2014-07-02", "kind": "article"},
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    with gzip.open(folder / "corpus_01.jsonl.gz", "wt", encoding="utf-8") as f:
        for record in CORPUS:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


def run_script(*args: str, es_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ES_URL": es_url, "ENTITY_EXTRACTOR": "gazetteer"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def indexed(corpus, es_url, es) -> tuple[str, subprocess.CompletedProcess]:
    alias = f"test-corpus-{uuid.uuid4().hex[:10]}"
    done = run_script("--corpus", str(corpus), "--alias", alias, es_url=es_url)
    yield alias, done
    names = list(es.indices.get(index=f"{alias}-*", expand_wildcards="all"))
    if names:
        es.indices.delete(index=",".join(names))


def source_of(es, alias: str, article_id: str) -> dict:
    return es.get(index=alias, id=article_id)["_source"]


def test_the_script_indexes_every_good_record_and_names_the_bad_one(indexed, es):
    alias, done = indexed
    assert done.returncode == 1, done.stderr  # one record rejected, the others indexed
    assert "rejected" in done.stderr and "id" in done.stderr
    assert f"'{alias}' now points to" in done.stderr and "read 5, indexed 4 articles" in done.stderr
    assert es.count(index=alias)["count"] == 4


def test_a_headline_is_a_title_only_article_at_its_minute(indexed, es):
    src = source_of(es, indexed[0], "headline-00001")
    assert src["display_title"] == HEADLINE and [p["kind"] for p in src["parts"]] == ["title"]
    assert src["published_at"] == "2014-07-01T10:51:00+03:00"  # Israeli summer time
    assert src["source"] == "MediaAnalysis/YNET"


def test_paragraphs_are_grouped_into_their_article_in_order(indexed, es):
    src = source_of(es, indexed[0], "heq-gt-art-0040")
    assert src["display_title"] == 'סטארטאפ ישראלי גייס "הון" רב'
    body = [p["display_text"] for p in src["parts"] if p["kind"] == "body"]
    assert body == ["הפסקה הראשונה מספרת על הגיוס.", "הפסקה השנייה מספרת על המשקיעים."]
    assert src["published_at"] is None


def test_the_press_is_dated_by_its_issue_and_titled_by_its_first_words(indexed, es):
    src = source_of(es, indexed[0], "021-HMZ-1878-07-23-001_toc_3")
    assert src["published_at"] == "1878-07-23"
    assert (
        src["display_title"]
        == "תוכן הענינים: להשיב על תוכחת. מצות המלך. הליכות עולם. עזרת סופרים: לונדון."  # 12 words
    )
    assert source_of(es, indexed[0], "htb-001")["published_at"] is None


def test_the_feed_of_the_corpus_lists_dated_articles_first_and_undated_with_a_fixed_date(indexed, client_for):
    root = ET.fromstring(client_for(indexed[0]).get("/feed.atom").get_data())
    entries = list(root.iter(f"{ATOM}entry"))
    ids = [e.findtext(f"{ATOM}id").rsplit("/", 1)[-1] for e in entries]
    assert ids[:2] == ["headline-00001", "021-HMZ-1878-07-23-001_toc_3"]
    assert sorted(ids[2:]) == ["heq-gt-art-0040", "htb-001"]
    for entry in entries[2:]:
        assert entry.find(f"{ATOM}published") is None and entry.findtext(f"{ATOM}updated") == UNDATED
    assert "הפסקה הראשונה" in entries[2 + ids[2:].index("heq-gt-art-0040")].findtext(f"{ATOM}summary")


def test_limit_reads_only_the_first_records(corpus):
    assert [r["id"] for r in article_records(corpus_records(corpus, 2))] == [
        "headline-00001",
        "heq-gt-art-0040",
    ]
    grouped = next(r for r in article_records(corpus_records(corpus, 2)) if r["id"] == "heq-gt-art-0040")
    assert grouped["body"] == ["הפסקה הראשונה מספרת על הגיוס."]


def test_without_a_corpus_the_script_says_so_and_exits_0(tmp_path, es_url):
    done = run_script("--corpus", str(tmp_path / "absent"), es_url=es_url)
    assert done.returncode == 0 and "skipped" in done.stdout
