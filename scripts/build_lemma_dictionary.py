"""Generate the hunspell dictionary that makes Elasticsearch's core ``hunspell`` filter emit Hebrew lemmas.

    /usr/bin/python3 scripts/build_lemma_dictionary.py OUT_DIR [--hunspell-dir /usr/share/hunspell]
                                                       [--query-dir OUT_DIR/../he_IL_lemma_query]

Why: Debian's he_IL hunspell dictionary lists every inflected form as a stem of its own (טילי, מדינות),
so stemming only strips prefixes. Debian's hspell knows each form's lemma(s) (``hspell -l``). Lucene's
hunspell stemmer returns a dictionary entry's ``st:`` field instead of the entry itself, so entries
``FORM/FLAGS st:LEMMA`` (the form's own prefix flags from he_IL.dic, one entry per lemma of an ambiguous
form) with he_IL.aff unchanged give lemmas, prefixes stripped, on the stock node with no plugin.

One pass, two kinds of token: each form keeps its plain entry ``FORM/FLAGS`` (the prefix-stripped form,
as before) beside its lemma entries, whose ``st:`` carries a mark (``@LEMMA``). So one hunspell filter
(``text.stem``) emits ``טיל`` and ``@טיל`` for לטיל but only ``טילי`` and ``@טיל`` for טילי: a query word
matches both tokens of its own form and only the lemma token of another inflection, so a prefix-stripped
match scores above a lemma-only one with no second field. A second field with its own hunspell pass cost
the node 60 % more CPU per indexed part (0.33 → 0.53 ms) and indexing a quarter of its speed.

The query side reads one word one way: a searcher who types מלחמה means the war, not מ+לחמה or מ+ל+חמה,
whose lemmas (לחם, חם) the index keeps for the text's sake. So the ``he_stem_query`` analyzer first keeps
the longest of he_IL's readings (the whole word when it is one; סוריה for בסוריה) and then looks it up in
a second locale, he_IL_lemma_query, whose entries have no prefix flags: ``FORM`` and ``FORM st:@LEMMA``
for each form that has lemmas (other words pass through unchanged). Measured on HeQ val, the same MRR
as reading every prefix split (0.909 against 0.910) for a fifth less query time.

Writes OUT_DIR/he_IL.aff (a copy) and OUT_DIR/he_IL_lemma.dic, and QUERY_DIR/he_IL.aff and
QUERY_DIR/he_IL_lemma_query.dic. Both packages are AGPL: they are installed
on the machine and the output is generated there, never committed. Stdlib only (it runs before the venv
exists), idempotent (a stamp of the inputs skips an up-to-date output), and it takes about two seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# Part of index_mappings/parts.json's _meta (tests/test_lemma_dictionary.py checks it): change it whenever
# the output changes for the same packages, and bump the mapping version, so that old indices are rebuilt.
GENERATOR_VERSION = 3
LEMMA_MARK = "@"  # lemma tokens are told apart from forms (service/search/spelling.py skips them)
DIC_NAME = "he_IL_lemma.dic"
QUERY_LOCALE = "he_IL_lemma_query"
QUERY_DIC_NAME = f"{QUERY_LOCALE}.dic"
HSPELL_ENCODING = "iso-8859-8"
WORD = "מילה חוקית: "  # the form as a word of its own
SPLIT = "צירוף חוקי: "  # a prefix split, "P+REST"
MISSPELT = "שגיאות כתיב"  # the list of unknown words that ends hspell's output
MISC = "שונות"  # hspell's lemma for proper nouns and acronyms it has no lemma for


class MissingPackage(RuntimeError):
    pass


def parse_hspell(lines: Iterable[str]) -> dict[str, list[str]]:
    """``hspell -l`` output → form → its lemmas, in hspell's order. A form's own analyses (``מילה
    חוקית``) win; a form hspell knows only as prefix + word takes that word's lemmas (the hunspell
    entry's flags add prefixes on top). hspell's placeholder lemma for names and acronyms becomes the
    form itself (or the word after the prefix)."""
    own: dict[str, list[str]] = {}
    split: dict[str, list[str]] = {}
    target: list[str] | None = None
    rest = ""
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith(MISSPELT):
            break
        if line.startswith(WORD):
            rest = line[len(WORD) :]
            target = own.setdefault(rest, [])
        elif line.startswith(SPLIT):
            prefix, _, rest = line[len(SPLIT) :].partition("+")
            target = split.setdefault(prefix + rest, [])
        elif line.startswith("\t") and target is not None:
            lemma = line.strip().split("(", 1)[0]
            lemma = rest if lemma == MISC or not lemma else lemma
            if lemma not in target:
                target.append(lemma)
    out = {form: lemmas for form, lemmas in split.items() if lemmas}
    out.update((form, lemmas) for form, lemmas in own.items() if lemmas)
    return out


def run_hspell(forms: list[str]) -> dict[str, list[str]]:
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


def query_entries(index_entries: Iterable[str]) -> list[str]:
    """The index dictionary's entries → the query locale's: no prefix flags (the query analyzer has
    already chosen the word's reading), only forms that have lemmas (any other word passes through the
    hunspell filter unchanged), each once: ``FORM`` then ``FORM st:@LEMMA`` per lemma."""
    out: dict[str, None] = {}
    for entry in index_entries:
        head, _, morph = entry.partition(" ")
        if morph:
            form = head.split("/", 1)[0]
            out.setdefault(form)
            out.setdefault(f"{form} {morph}")
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


def build(out_dir: Path, hunspell_dir: Path, query_dir: Path | None = None) -> tuple[int, bool]:
    """Write the index locale into ``out_dir`` and the query locale into ``query_dir`` (by default
    beside it); returns (index entries, whether they were rebuilt)."""
    query_dir = query_dir or out_dir.parent / QUERY_LOCALE
    aff, dic = hunspell_dir / "he_IL.aff", hunspell_dir / "he_IL.dic"
    if not (aff.is_file() and dic.is_file()):
        raise MissingPackage(
            f"{dic} is missing: install Debian's package with 'sudo apt-get install hunspell-he'"
        )
    if shutil.which("hspell") is None:
        raise MissingPackage("hspell is missing: install Debian's package with 'sudo apt-get install hspell'")
    wanted = stamp(aff, dic)
    stamp_file, target, query = out_dir / ".stamp", out_dir / DIC_NAME, query_dir / QUERY_DIC_NAME
    fresh = stamp_file.is_file() and stamp_file.read_text().strip() == wanted
    if fresh and target.is_file() and query.is_file():
        return sum(1 for _ in target.open(encoding="utf-8")) - 1, False
    dic_lines = dic.read_text(encoding="utf-8").splitlines()[1:]  # the first line is a count
    lemmas = run_hspell(sorted({line.split("/", 1)[0].strip() for line in dic_lines if line.strip()}))
    entries = dic_entries(dic_lines, lemmas)
    write_dic(target, entries)
    write_dic(query, query_entries(entries))
    shutil.copyfile(aff, out_dir / "he_IL.aff")
    shutil.copyfile(aff, query_dir / "he_IL.aff")
    stamp_file.write_text(wanted + "\n")
    return len(entries), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--hunspell-dir", type=Path, default=Path("/usr/share/hunspell"))
    parser.add_argument("--query-dir", type=Path, default=None, help=f"default: OUT_DIR/../{QUERY_LOCALE}")
    args = parser.parse_args(argv)
    try:
        count, rebuilt = build(args.out_dir, args.hunspell_dir, args.query_dir)
    except MissingPackage as e:
        print(f"build_lemma_dictionary.py: {e}", file=sys.stderr)
        return 1
    state = "written" if rebuilt else "up to date"
    print(f"build_lemma_dictionary.py: {count} entries {state} in {args.out_dir / DIC_NAME}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
