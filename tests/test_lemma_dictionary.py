"""scripts/build_lemma_dictionary.py: hspell's analyses → hunspell entries with st: lemmas (pure parts, and
the install-time errors). The dictionary on the node is checked by tests/test_analysis.py."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from tests.project import ROOT

SCRIPT = ROOT / "scripts" / "build_lemma_dictionary.py"
spec = importlib.util.spec_from_file_location("build_lemma_dictionary", SCRIPT)
assert spec and spec.loader
build_lemma_dictionary = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = build_lemma_dictionary  # dataclasses look their module up there
spec.loader.exec_module(build_lemma_dictionary)

HSPELL_OUTPUT = """\
מילה חוקית: טילי
\tטיל(ע,ז,רבים,סמיכות)
\tטיל(ע,ז,יחיד,כינוי/,1,יחיד)
מילה חוקית: בקרה
\tביקר(פ,ז,2,יחיד,ציווי,כינוי/נ,3,יחיד)
\tבקרה(ע,נ,יחיד)
צירוף חוקי: ב+קרה
\tקר(ת,נ,יחיד)
מילה חוקית: נתניהו
\tשונות(ע,פרטי)
צירוף חוקי: ב+דרך
\tדרך(ע,נ,יחיד)
שגיאות כתיב שנמצאו:

פוטין
"""


def test_hspell_output_gives_each_forms_lemmas():
    lemmas = build_lemma_dictionary.parse_hspell(HSPELL_OUTPUT.splitlines()).lemmas()
    assert lemmas == {"טילי": ["טיל"], "בקרה": ["ביקר", "בקרה"], "נתניהו": ["נתניהו"], "בדרך": ["דרך"]}


def test_a_whole_word_keeps_its_own_readings_and_the_definite_article_split_only():
    analyses = build_lemma_dictionary.parse_hspell(
        [*HSPELL_OUTPUT.splitlines()[:-3], "מילה חוקית: השר", "\tהשיר(פ)", "צירוף חוקי: ה+שר", "\tשר(ע)"]
    )
    assert analyses.readings("בקרה") == ["בקרה", "@ביקר", "@בקרה"]  # not ב+קרה
    assert analyses.readings("השר") == ["השר", "@השיר", "שר", "@שר"]  # the article's split is kept
    assert analyses.readings("בדרך") == ["בדרך", "דרך", "@דרך"]  # no word of its own: its split
    assert analyses.readings("פוטין") == ["פוטין"]


def test_a_whole_word_keeps_a_split_into_prefix_and_proper_noun():
    analyses = build_lemma_dictionary.parse_hspell(
        ["מילה חוקית: לעזה", "\tלעז(ע,ז,יחיד)", "צירוף חוקי: ל+עזה", "\tעז(ת,נ,יחיד)", "\tעזה(ע,נ,פרטי)"]
    )
    assert analyses.readings("לעזה") == ["לעזה", "@לעז", "עזה", "@עזה"]  # the name, not the adjective


def test_entries_keep_the_form_and_its_flags_and_add_one_marked_entry_per_lemma():
    lemmas = {"בקרה": ["ביקר", "בקרה"]}
    assert build_lemma_dictionary.dic_entries(["בקרה/a", "פוטין/c", "", "בלי"], lemmas) == [
        "בקרה/a",
        "בקרה/a st:@ביקר",
        "בקרה/a st:@בקרה",
        "פוטין/c",
        "בלי",
    ]


def test_reading_entries_have_no_flags_and_leave_out_the_forms_that_stand_for_themselves():
    analyses = build_lemma_dictionary.parse_hspell(HSPELL_OUTPUT.splitlines())
    assert build_lemma_dictionary.reading_entries(["בקרה", "פוטין", "בלי"], analyses) == [
        "בקרה",
        "בקרה st:@ביקר",
        "בקרה st:@בקרה",
    ]


def test_the_generator_version_is_in_the_mapping():
    mapping = json.loads((ROOT / "index_mappings" / "articles.json").read_text(encoding="utf-8"))
    meta = mapping["mappings"]["_meta"]
    assert meta["lemma_dictionary"] == build_lemma_dictionary.GENERATOR_VERSION


def run(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": path} if path is not None else None
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env)


def test_a_missing_hunspell_he_is_named(tmp_path):
    done = run(str(tmp_path / "out"), "--hunspell-dir", str(tmp_path))
    assert done.returncode == 1 and "hunspell-he" in done.stderr


def test_a_missing_hspell_is_named(tmp_path):
    for name in ("he_IL.aff", "he_IL.dic"):
        (tmp_path / name).write_text("1\nא/a\n", encoding="utf-8")
    done = run(str(tmp_path / "out"), "--hunspell-dir", str(tmp_path), path=str(tmp_path))
    assert done.returncode == 1 and "apt-get install hspell" in done.stderr


def test_generation_is_idempotent(tmp_path):
    """Needs Debian's hspell, which scripts/elasticsearch.sh installs with the node."""
    hunspell = tmp_path / "hunspell"
    hunspell.mkdir()
    (hunspell / "he_IL.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (hunspell / "he_IL.dic").write_text("2\nטילי/c\nמדינות/a\n", encoding="utf-8")
    first = run(str(tmp_path / "out"), "--hunspell-dir", str(hunspell))
    assert first.returncode == 0 and "written" in first.stderr
    dic = (tmp_path / "out" / "he_IL_lemma.dic").read_text(encoding="utf-8")
    assert dic == "4\nטילי/c\nטילי/c st:@טיל\nמדינות/a\nמדינות/a st:@מדינה\n"
    readings = (tmp_path / "he_IL_readings" / "he_IL_readings.dic").read_text(encoding="utf-8")
    assert readings == "4\nטילי\nטילי st:@טיל\nמדינות\nמדינות st:@מדינה\n"
    second = run(str(tmp_path / "out"), "--hunspell-dir", str(hunspell))
    assert second.returncode == 0 and "up to date" in second.stderr
