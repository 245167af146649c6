"""Generate the hunspell dictionaries that make Elasticsearch's core ``hunspell`` filter read Hebrew words.

    /usr/bin/python3 scripts/build_lemma_dictionary.py OUT_DIR [--hunspell-dir /usr/share/hunspell]
                                                       [--readings-dir OUT_DIR/../he_IL_readings]

Why: Debian's he_IL hunspell dictionary lists every inflected form as a stem of its own (טילי, מדינות),
so stemming only strips prefixes, and it strips them wherever it can: בקרה is also ב+קרה, מלחמה also
מ+לחמה and מל+חמה, שביבי also ש+ביבי, so a search for קרה, לחם or ביבי found them. Debian's hspell knows
each form's lemma(s) and its prefix splits (``hspell -l``). Lucene's hunspell stemmer returns a dictionary
entry's ``st:`` field instead of the entry itself, so a generated dictionary can make the stock filter
emit whatever tokens we decide a form stands for, on the stock node, with no plugin.

The ``.stem`` analysis (``he_stem``, the same at index and query time) is two hunspell filters:
1. ``he_IL`` (Debian's, plus the gazetteer's names) with ``longest_only``: the reading with the shortest
   prefix, i.e. the whole word when it is one (בקרה, מלחמה) and סוריה for בסוריה, לפוטין → פוטין;
2. the locale written here, he_IL_readings, a table with no prefix flags (its input has none left): a
   form → itself, its lemmas marked ``@`` (טילי → טילי, @טיל) and, when hspell also reads it as the
   definite article + a word, that word and its lemmas (העיר is "he remarked" and ה+עיר; השר, הכנסת,
   העם: the article is too common to let the whole word hide it), or a prefix + a proper noun (לעזה is
   "to his foreign tongue" and ל+עזה, מסוריה "its saws" and מ+סוריה: hspell marks the name). Other
   prefix splits of a whole word are dropped. Forms with nothing to add are left out: the filter passes
   unknown tokens through unchanged.

A query word matches both tokens of its own form and only the lemma token of another inflection, so a
prefix-stripped match scores above a lemma-only one with no second field (a second field with its own
hunspell pass cost the node 60 % more CPU per indexed part).

Also writes OUT_DIR/../he_IL_acronyms.dic, a word list for the first filter's locale (he_IL): the
mark-less spelling of each acronym hspell knows, read as the acronym (ארהב → ארה"ב; scripts/acronyms.py),
and OUT_DIR (he_IL_lemma: every form with its prefix flags and ``st:@LEMMA`` entries), the
analysis of mapping version 6, so that indices built before version 8 still open until they are rebuilt.

Both packages are AGPL: they are installed on the machine and the output is generated there, never
committed. Stdlib only (it runs before the venv exists), idempotent (a stamp of the inputs skips an
up-to-date output), and it takes a few seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import acronyms  # scripts/acronyms.py: stdlib only, like this script

# Part of index_mappings/articles.json's _meta (tests/test_lemma_dictionary.py checks it): change it whenever
# the output changes for the same packages, and bump the mapping version, so that old indices are rebuilt.
GENERATOR_VERSION = 7
LEMMA_MARK = "@"  # lemma tokens are told apart from forms (service/search/spelling.py skips them)
DIC_NAME = "he_IL_lemma.dic"
READINGS_LOCALE = "he_IL_readings"
READINGS_DIC_NAME = f"{READINGS_LOCALE}.dic"
ACRONYMS_DIC_NAME = "he_IL_acronyms.dic"  # an extra word list of the he_IL locale (the first filter)
READINGS_AFF = "SET UTF-8\n"
ARTICLE = "ה"  # the definite article: its split of a whole word is kept
PROPER = "פרטי"  # hspell's mark of a proper noun: a split into prefix + name is kept
HSPELL_ENCODING = "iso-8859-8"
WORD = "מילה חוקית: "  # the form as a word of its own
SPLIT = "צירוף חוקי: "  # a prefix split, "P+REST"
MISSPELT = "שגיאות כתיב"  # the list of unknown words that ends hspell's output
MISC = "שונות"  # hspell's lemma for proper nouns and acronyms it has no lemma for


class MissingPackage(RuntimeError):
    pass


@dataclass
class Analyses:
    """What hspell says of each form: its own lemmas (``מילה חוקית``) and its prefix splits (``צירוף
    חוקי``: prefix, the word after it, that word's lemmas), in hspell's order."""

    own: dict[str, list[str]] = field(default_factory=dict)
    splits: dict[str, list[tuple[str, str, list[str]]]] = field(default_factory=dict)
    proper: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (form, prefix) → names

    def lemmas(self) -> dict[str, list[str]]:
        """Form → lemmas: its own win; a form hspell knows only as prefix + word takes that word's."""
        out = {f: [x for _, _, ls in sp for x in ls] for f, sp in self.splits.items()}
        out = {f: list(dict.fromkeys(ls)) for f, ls in out.items() if ls}
        out.update((f, ls) for f, ls in self.own.items() if ls)
        return out

    def readings(self, form: str) -> list[str]:
        """The tokens a form stands for in the ``.stem`` analysis (the module's docstring says why)."""
        out = [form] + [LEMMA_MARK + x for x in self.own.get(form, [])]
        for prefix, rest, lemmas in self.splits.get(form, []):
            names = self.proper.get((form, prefix), [])
            if form not in self.own or prefix == ARTICLE:
                out += [rest] + [LEMMA_MARK + x for x in lemmas]
            elif names:
                out += [rest] + [LEMMA_MARK + x for x in names]
        return list(dict.fromkeys(out))


def parse_hspell(lines: Iterable[str]) -> Analyses:
    """``hspell -l`` output → each form's analyses. hspell's placeholder lemma for names and acronyms
    becomes the form itself (or the word after the prefix)."""
    found = Analyses()
    target: list[str] | None = None
    names: list[str] | None = None  # a split's proper-noun lemmas
    rest = ""
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith(MISSPELT):
            break
        if line.startswith(WORD):
            rest = line[len(WORD) :]
            target, names = found.own.setdefault(rest, []), None
        elif line.startswith(SPLIT):
            prefix, _, rest = line[len(SPLIT) :].partition("+")
            target, names = [], found.proper.setdefault((prefix + rest, prefix), [])
            found.splits.setdefault(prefix + rest, []).append((prefix, rest, target))
        elif line.startswith("\t") and target is not None:
            lemma, _, features = line.strip().partition("(")
            lemma = rest if lemma == MISC or not lemma else lemma
            if lemma not in target:
                target.append(lemma)
            if names is not None and PROPER in features.rstrip(")").split(",") and lemma not in names:
                names.append(lemma)
    return found


def run_hspell(forms: list[str]) -> Analyses:
    hspell = shutil.which("hspell")
    if hspell is None:
        raise MissingPackage("hspell is missing: install Debian's package with 'sudo apt-get install hspell'")
    data = "\n".join(forms).encode(HSPELL_ENCODING, errors="replace") + b"\n"
    done = subprocess.run([hspell, "-l"], input=data, capture_output=True, check=False)
    if done.returncode not in (0, 1):  # 1: some words are unknown, which is expected
        raise RuntimeError(f"hspell -l failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return parse_hspell(done.stdout.decode(HSPELL_ENCODING, errors="replace").splitlines())


def dic_entries(dic_lines: Iterable[str], lemmas: dict[str, list[str]]) -> list[str]:
    """he_IL.dic's ``FORM/FLAGS`` lines → the line itself (the form's own stem) and ``FORM/FLAGS
    st:@LEMMA``, one per lemma; a form hspell has no lemma for (names, acronyms) is only itself."""
    out: list[str] = []
    for line in dic_lines:
        entry = line.strip()
        if not entry:
            continue
        form = entry.split("/", 1)[0]
        known = lemmas.get(form)
        out.append(entry)
        out += [f"{entry} st:{LEMMA_MARK}{lemma}" for lemma in known or ()]
    return out


def reading_entries(forms: Iterable[str], analyses: Analyses) -> list[str]:
    """he_IL_readings: ``FORM`` and ``FORM st:TOKEN`` for each other token the form stands for, no
    flags; a form that stands only for itself is left out (the filter keeps unknown tokens as they are)."""
    out: dict[str, None] = {}
    for form in forms:
        tokens = analyses.readings(form)
        if len(tokens) > 1:
            out.setdefault(form)
            for token in tokens[1:]:
                out.setdefault(f"{form} st:{token}")
    return list(out)


def write_dic(path: Path, entries: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(f"{len(entries)}\n" + "\n".join(entries) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def hspell_version() -> str:
    """The installed hspell's identity (its dictionary files' sizes), for the stamp."""
    found = subprocess.run(["hspell", "-V"], capture_output=True, text=True, errors="replace", check=False)
    return (found.stdout + found.stderr).strip()


def stamp(aff: Path, dic: Path) -> str:
    h = hashlib.sha256(f"generator {GENERATOR_VERSION}\n{hspell_version()}\n".encode())
    for path in (aff, dic):
        h.update(path.read_bytes())
    return h.hexdigest()


def build(out_dir: Path, hunspell_dir: Path, readings_dir: Path | None = None) -> tuple[int, bool]:
    """Write he_IL_readings into ``readings_dir`` (by default beside ``out_dir``) and the version-6
    he_IL_lemma into ``out_dir``; returns (readings entries, whether they were rebuilt)."""
    readings_dir = readings_dir or out_dir.parent / READINGS_LOCALE
    aff, dic = hunspell_dir / "he_IL.aff", hunspell_dir / "he_IL.dic"
    if not (aff.is_file() and dic.is_file()):
        raise MissingPackage(
            f"{dic} is missing: install Debian's package with 'sudo apt-get install hunspell-he'"
        )
    if shutil.which("hspell") is None:
        raise MissingPackage("hspell is missing: install Debian's package with 'sudo apt-get install hspell'")
    wanted = stamp(aff, dic)
    stamp_file, lemma_dic = readings_dir / ".stamp", out_dir / DIC_NAME
    readings_dic, acronyms_dic = readings_dir / READINGS_DIC_NAME, out_dir.parent / ACRONYMS_DIC_NAME
    fresh = stamp_file.is_file() and stamp_file.read_text().strip() == wanted
    if fresh and lemma_dic.is_file() and readings_dic.is_file() and acronyms_dic.is_file():
        return sum(1 for _ in readings_dic.open(encoding="utf-8")) - 1, False
    dic_lines = dic.read_text(encoding="utf-8").splitlines()[1:]  # the first line is a count
    forms = sorted({line.split("/", 1)[0].strip() for line in dic_lines if line.strip()})
    analyses = run_hspell(forms)
    readings = reading_entries(forms, analyses)
    write_dic(readings_dic, readings)
    write_dic(lemma_dic, dic_entries(dic_lines, analyses.lemmas()))
    write_dic(acronyms_dic, acronyms.entries(acronyms.find_acronyms(dic_lines)))
    shutil.copyfile(aff, out_dir / "he_IL.aff")
    # The table has no flags, so it needs no affix rules: without he_IL.aff's 3,000 prefix rules each
    # lookup is one dictionary probe (a fifth less node CPU for the whole analysis, measured).
    (readings_dir / "he_IL.aff").write_text(READINGS_AFF, encoding="utf-8")
    stamp_file.write_text(wanted + "\n")
    return len(readings), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--hunspell-dir", type=Path, default=Path("/usr/share/hunspell"))
    parser.add_argument(
        "--readings-dir", type=Path, default=None, help=f"default: OUT_DIR/../{READINGS_LOCALE}"
    )
    args = parser.parse_args(argv)
    readings_dir = args.readings_dir or args.out_dir.parent / READINGS_LOCALE
    try:
        count, rebuilt = build(args.out_dir, args.hunspell_dir, readings_dir)
    except MissingPackage as e:
        print(f"build_lemma_dictionary.py: {e}", file=sys.stderr)
        return 1
    state = "written" if rebuilt else "up to date"
    print(
        f"build_lemma_dictionary.py: {count} entries {state} in {readings_dir / READINGS_DIC_NAME}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
