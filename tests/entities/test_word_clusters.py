"""The shipped word-cluster table (scripts/train_word_clusters.py) and its loader.

Only properties that do not depend on the training's randomness are checked: the file is there, small,
well formed, in the tokeniser's own forms, and covers the words news text is made of.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from service.entities import word_clusters
from service.entities.word_clusters import DEFAULT_PATH, NUMBER, WordClusters, token_key, tokens
from service.normalize import normalize

CODE_RE = re.compile(r"^(\d\d)-(\d\d)$")
COARSE, FINE = 32, 16


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, str]]:
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines]


def test_the_table_is_shipped_and_small() -> None:
    assert DEFAULT_PATH.exists(), "run scripts/train_word_clusters.py"
    assert DEFAULT_PATH.stat().st_size < 5_000_000


def test_every_line_is_a_word_and_a_two_level_code(rows: list[tuple[str, ...]]) -> None:
    assert len(rows) >= 50_000
    bad = [row for row in rows if len(row) != 2 or not CODE_RE.match(row[1])]
    assert bad == []
    codes = [CODE_RE.match(code).groups() for _, code in rows]
    assert {int(c) for c, _ in codes} == set(range(COARSE))
    assert all(int(f) < FINE for _, f in codes)
    # Most coarse clusters are cut into the full number of fine ones.
    assert 0.8 * COARSE * FINE <= len({code for _, code in rows}) <= COARSE * FINE


def test_words_are_unique_and_in_the_tokenisers_own_form(rows: list[tuple[str, ...]]) -> None:
    words = [word for word, _ in rows]
    assert len(set(words)) == len(words)
    assert NUMBER not in words
    odd = [w for w in words if tokens(w) != [w] or normalize(w) != w or token_key(w) != w]
    assert odd == []


def test_frequent_words_come_first(rows: list[tuple[str, ...]]) -> None:
    first = {word for word, _ in rows[:20]}
    assert {"של", "על", "את"} <= first


def test_news_words_and_names_have_a_cluster() -> None:
    clusters = WordClusters.load()
    words = ["ישראל", "ירושלים", "חיפה", "נתניהו", "פוטין", "חמאס", "הממשלה", "אמר", 'צה"ל', "google"]
    assert [w for w in words if clusters.get(w) is None] == []
    # A prefixed form the table lacks still reaches its stem's cluster.
    assert clusters.get_stripped("ולנתניהו") == clusters.get("נתניהו")


def test_tokens_keep_gershayim_and_split_hyphens() -> None:
    text = normalize('צה״ל ו-Google: ג׳ורג׳ בוש "הארץ" 2015 שר-החוץ')
    assert tokens(text) == ['צה"ל', "ו", "google", "ג'ורג", "בוש", "הארץ", NUMBER, "שר", "החוץ"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clusters.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_lookup_by_form_and_without_the_clitic_prefix(tmp_path: Path) -> None:
    table = "פוטין\t03-01\nלפוטין\t07-02\ngoogle\t05-05\nג'ורג\t03-04\n"
    clusters = WordClusters.load(write(tmp_path, table))
    assert len(clusters) == 4
    assert clusters.get("לפוטין") == "07-02"
    assert clusters.get_stripped("לפוטין") == "03-01"
    assert clusters.get_stripped("ושבפוטין") == "03-01"  # three clitic letters
    assert clusters.get_stripped("ולפוטין") == "07-02"  # the shortest strip the table knows
    assert clusters.get_stripped("אפוטין") is None  # א is no clitic
    assert clusters.get("Google") == "05-05"
    assert clusters.get("ג'ורג'") == "03-04"  # a trailing geresh is not stored
    assert clusters.get("פריז") is None
    assert "פוטין" in clusters


def test_a_malformed_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "פוטין\t03-01\nחמאס 02-01\n")
    with pytest.raises(ValueError, match=r"clusters\.tsv:2"):
        WordClusters.load(path)


def test_without_the_shipped_file_the_table_is_empty(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(word_clusters, "DEFAULT_PATH", tmp_path / "absent.tsv")
    clusters = WordClusters.load()
    assert len(clusters) == 0
    assert clusters.get("פוטין") is None
    with pytest.raises(FileNotFoundError):
        WordClusters.load(tmp_path / "absent.tsv")


def test_the_code_distribution_is_not_degenerate(rows: list[tuple[str, ...]]) -> None:
    """No coarse cluster swallows the vocabulary (a sign of untrained or collapsed vectors)."""
    sizes = Counter(code[:2] for _, code in rows)
    assert max(sizes.values()) < 0.25 * len(rows)
