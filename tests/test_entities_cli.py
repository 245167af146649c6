"""``flask entities``: texts in, JSON Lines of entities out, offsets into the text as given.

No Elasticsearch is involved: the command only reads texts and runs the extractor.
"""

from __future__ import annotations

import json
import random

import pytest

from service import create_app
from service.config import Settings
from service.entities.tagging import MAX_TEXT_BYTES, QUOTES, offset_map, original_span
from service.normalize import normalize

# Known people, places and organisations, with niqqud, a bidi mark, a double space, Unicode
# gershayim and prefixes, so that offsets into the given text differ from the normalised ones.
TEXT = (
    "ראש הממשלה בנימין נתניהו\u200f  שוחח אתמול עם לְפוּטִין, ואחר כך נפגש בירושלים עם הרמטכ״ל "
    "ועם נציגי צה״ל ומשרד הביטחון."
)
EXPECTED = {
    ("person", "בנימין נתניהו", "person:netanyahu-benjamin", "בנימין נתניהו"),
    ("person", "פוּטִין", "person:putin-vladimir", "ולדימיר פוטין"),
    ("place", "ירושלים", "place:jerusalem", "ירושלים"),
    ("organisation", "צה״ל", "organisation:idf", 'צה"ל'),
    ("organisation", "משרד הביטחון", "organisation:ministry-defense", "משרד הביטחון"),
}


@pytest.fixture(scope="module")
def runner():
    return create_app(Settings()).test_cli_runner()


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def found(entities: list[dict]) -> set[tuple[str, str, str, str]]:
    return {(e["type"], e["text"], e["entity_id"], e["name"]) for e in entities}


def test_a_text_on_stdin_gives_its_entities_with_exact_offsets(runner):
    result = runner.invoke(args=["entities"], input=TEXT.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    ((record,),) = [lines(result.stdout)]
    assert record["id"] == "-"
    assert found(record["entities"]) >= EXPECTED, record["entities"]
    for e in record["entities"]:
        assert TEXT[e["start"] : e["end"]] == e["text"]
    # the prefix ל stays out, the points stay in
    (putin,) = [e for e in record["entities"] if e["entity_id"] == "person:putin-vladimir"]
    assert putin["text"] == "פוּטִין" and TEXT[putin["start"] - 2 : putin["start"]] == "לְ"


def test_json_lines_and_plain_text_files_with_their_ids(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "a1", "text": "הנשיא ראובן ריבלין ביקר בבאר שבע."}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"id": 7, "text": "ארדואן תקף את ישראל."}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    page = tmp_path / "page.txt"
    page.write_text("חיזבאללה איים על ישראל.\nהקרמלין שתק.\n", encoding="utf-8")
    result = runner.invoke(args=["entities", str(feed), str(page)])
    assert result.exit_code == 0, result.stderr
    records = lines(result.stdout)
    assert [r["id"] for r in records] == ["a1", 7, str(page)]
    named = [{(e["type"], e["name"]) for e in r["entities"]} for r in records]
    assert {("person", "ראובן ריבלין"), ("place", "באר שבע")} <= named[0]
    assert ("person", "רג'פ טאיפ ארדואן") in named[1]
    assert {"organisation:hezbollah", "organisation:kremlin", "place:israel"} <= {
        e["entity_id"] for e in records[2]["entities"]
    }


def test_a_name_no_list_knows_is_found_by_its_context(runner):
    text = 'לדברי עו"ד אלנתן קרמרמן, מנכ"ל החברה, ההסכם ייחתם בשבוע הבא. קרמרמן הוסיף כי הוא אופטימי.'
    result = runner.invoke(args=["entities"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    people = [e for e in lines(result.stdout)[0]["entities"] if e["type"] == "person"]
    assert [e["text"] for e in people] == ["אלנתן קרמרמן", "קרמרמן"]
    assert [e["name"] for e in people] == ["אלנתן קרמרמן", "אלנתן קרמרמן"]
    assert people[0]["entity_id"] == people[1]["entity_id"]
    assert [text[e["start"] : e["end"]] for e in people] == ["אלנתן קרמרמן", "קרמרמן"]


def test_bad_items_are_refused_one_by_one_and_the_rest_goes_on(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "ok", "text": "פוטין דיבר."}, ensure_ascii=False)
    with open(feed, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "empty", "text": "  "}) + "\n")
        f.write("{broken\n")
        f.write(json.dumps({"id": "huge", "text": "א" * 1_000_000}) + "\n")
        f.write(json.dumps({"id": "nul", "text": "a\x00b"}) + "\n")
        f.write('["a list"]\n')
        f.write(json.dumps({"id": 1.5, "text": "פוטין"}) + "\n")
        f.write(good + "\n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("caf\u00e9".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(args=["entities", str(feed), str(binary), str(latin1), str(empty)])
    assert result.exit_code == 1
    assert [r["id"] for r in lines(result.stdout)] == ["ok"]
    errors = result.stderr.splitlines()
    assert errors == [
        f"{feed}:1: empty text",
        f"{feed}:2: broken JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        f"{feed}:3: text over {MAX_TEXT_BYTES:,} bytes: split it into smaller texts",
        f"{feed}:4: binary data, not text (a NUL character)",
        f'{feed}:5: not a JSON object ({{"id": ..., "text": ...}})',
        f'{feed}:6: "id" must be a string or an integer',
        f"{binary}: binary data, not text (a NUL byte)",
        f"{latin1}: not UTF-8 text (byte 3): binary data or another encoding",
        f"{empty}: empty text",
    ]


def test_a_huge_plain_text_and_empty_stdin_are_refused(runner, tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_text("שלום " * 300_000, encoding="utf-8")  # 3 MB on one line
    result = runner.invoke(args=["entities", str(huge)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{huge}: text over {MAX_TEXT_BYTES:,} bytes: split it into smaller texts\n"
    result = runner.invoke(args=["entities"], input=b"")
    assert (result.exit_code, result.stderr) == (1, "-: empty text\n")


def test_the_gazetteer_extractor_can_be_chosen(runner):
    text = "השר כץ דיבר עם פוטין".encode()
    result = runner.invoke(args=["entities", "--extractor", "gazetteer"], input=text)
    assert result.exit_code == 0, result.stderr
    assert {"person:putin-vladimir"} <= {e["entity_id"] for e in lines(result.stdout)[0]["entities"]}


# -- offsets ---------------------------------------------------------------------------------------

PIECES = [*"אבגדהוזחטיכלמנסעפצקרשת", *"aBZ09 .-", "  ", "\t", "\u05b0", "\u05bc", "\u200f", "\u05be"]
PIECES += ["\u00a0", "״", "׳", "”", "’", "''", '""', "\ufb2a", "\ufb4b", "ﬁ", "Ａ", "\ufeff"]


def test_every_normalised_character_maps_to_the_character_it_comes_from():
    rng = random.Random(16)
    for _ in range(3000):
        original = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        normalised = normalize(original)
        starts = offset_map(original, normalised)
        assert len(starts) == len(normalised) + 1 and starts[-1] == len(original)
        assert starts == sorted(starts), (original, normalised)
        for j, c in enumerate(normalised):
            o = original[starts[j]]
            assert (
                o == c
                or (c in "\"'" and o in QUOTES)
                or c in normalize(o)
                or (c == " " and o.isspace())
                or (c == "-" and o.isalpha())  # the hyphen set between a prefix and a Latin word
            ), (original, normalised, j)


def test_a_span_ends_after_its_points_but_before_marks_and_spaces():
    original = "שלום לְפוּטִין\u200f  היום"
    normalised = normalize(original)
    starts = offset_map(original, normalised)
    start = normalised.index("פוטין")
    assert original[slice(*original_span(original, starts, start, start + 5))] == "פוּטִין"
