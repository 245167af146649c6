"""Token features for the CRF entity tagger, shared by training (scripts/train_ner.py) and tagging (ner.py).

Hebrew has no capitals, so what marks a name is what the word is not (a frequent word), what it
looks like behind a clitic prefix (ו ה ב כ ל מ ש and chains: "ולפוטין" → "פוטין"), what lists
know it (the gazetteer by type, first names, surnames) and what stands around it (a role title, a
verb of saying). Everything here is computed from files shipped in the package, so the service
tags text without ../shared. Training and tagging must call the same code: a feature spelt
differently at run time is a feature the model never saw.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from service.entities.extractor import CLUB_WORDS, MINISTER_WORDS, ORG_HEADS, PLACE_HEADS, TITLES
from service.entities.frequency import warm_up, zipf
from service.entities.gazetteer import DATA_DIR, Gazetteer, load_gazetteer
from service.entities.prefix_rule import CHAINS, PREFIX_LETTERS
from service.normalize import normalize

# A word (letters with inner gershayim or geresh, a final geresh) or one punctuation mark.
TOKEN = re.compile(r"\w+(?:[\"']\w+)*'?|[^\w\s]")
MAX_PREFIX = 3  # the longest prefix split off a word: a chain (וכש, שב) or a chain and a quote (ל")
CLUSTERS_FILE = DATA_DIR / "word_clusters.tsv"
# Words that report speech: the subject before them is often a person or an organisation.
_SAYING_WORDS = """
אמר אמרה אמרו הודיע הודיעה הודיעו טען טענה טענו הוסיף הוסיפה הוסיפו סיפר סיפרה סיפרו ציין ציינה ציינו
מסר מסרה מסרו הבהיר הבהירה הבהירו השיב השיבה השיבו כתב כתבה כתבו הכריז הכריזה הכריזו הגיב הגיבה הגיבו
פרסם פרסמה פרסמו דיווח דיווחה דיווחו החליט החליטה החליטו ביקש ביקשה ביקשו קבע קבעה קבעו הסביר הסבירה
הסבירו לדברי
"""
SAYING = frozenset(normalize(w) for w in _SAYING_WORDS.split())
_LETTERS = re.compile(r"[א-ת]")


def tokenize(text: str) -> list[tuple[int, int]]:
    """Character spans of the tokens of a normalised text."""
    return [m.span() for m in TOKEN.finditer(text)]


def prefix_splits(word: str) -> list[int]:
    """Lengths k (1..3) at which ``word[:k]`` is a clitic prefix chain (optionally closed by a quote,
    as in ל"הארץ") and at least two letters remain."""
    out = []
    for k in range(1, min(MAX_PREFIX, len(word) - 2) + 1):
        head = word[:k]
        if word[k] != '"' and (head in CHAINS or (head[-1] == '"' and head[:-1] in CHAINS)):
            out.append(k)
    return out


def _shape(word: str) -> str:
    if word.isdigit():
        return "dig"
    if _LETTERS.search(word):
        return "heb-q" if '"' in word else ("heb-g" if "'" in word else "heb")
    if word.isascii() and word.isalpha():
        return "lat"
    if word.isalnum():
        return "mix"
    return "p" + word if len(word) == 1 else "other"


@dataclass(slots=True)
class _Word:
    splits: list[int]
    heads: list[tuple[int, str]]  # (prefix length, form) that start a gazetteer name
    titles: list[tuple[str, ...]]  # role titles the word (or its prefix-stripped form) starts
    own: list[str]  # features only the word itself carries
    core: list[str]  # features its neighbours carry too, shifted
    shifted: dict[str, list[str]]  # core, under each neighbour offset's tag


_HEAD_WORDS = (("orgh", ORG_HEADS | CLUB_WORDS), ("plch", PLACE_HEADS), ("min", MINISTER_WORDS))
_OFFSETS = ((-1, "-1:"), (1, "+1:"), (-2, "-2:"), (2, "+2:"))
CACHE_SIZE = 20_000  # words; about 3.7 kB each, so at most ~75 MB per process


@dataclass
class FeatureSource:
    """The lists the features look words up in, loaded once per process."""

    single: dict[str, str] = field(default_factory=dict)  # one-word form → "place|person~"...
    multi: dict[tuple[str, ...], str] = field(default_factory=dict)  # several words → tags
    multi_len: dict[str, int] = field(default_factory=dict)  # first word → longest multi-word form
    first_names: set[str] = field(default_factory=set)
    common_first_names: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    titles: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)
    _cache: dict[str, _Word] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, gazetteer: Gazetteer | None = None, clusters: Path | None = CLUSTERS_FILE) -> FeatureSource:
        gazetteer = gazetteer or load_gazetteer()
        src = cls()
        tags: dict[tuple[str, ...], set[str]] = {}
        for s in gazetteer.surfaces:
            entity_type = gazetteer.entities[s.entity_id].type
            tags.setdefault(tuple(s.form.split()), set()).add(entity_type + ("" if s.strong else "~"))
        for words, t in tags.items():
            tag = "|".join(sorted(t))
            if len(words) == 1:
                src.single[words[0]] = tag
            else:
                src.multi[words] = tag
                src.multi_len[words[0]] = max(src.multi_len.get(words[0], 0), len(words))
        src.first_names = set(_read_list(DATA_DIR / "first_names.txt"))
        src.common_first_names = set(_read_list(DATA_DIR / "first_names_common_words.txt"))
        src.surnames = set(_read_list(DATA_DIR / "surnames.txt"))
        for title in {tuple(normalize(t).split()) for t in TITLES}:
            src.titles.setdefault(title[0], []).append(title)
        for group in src.titles.values():
            group.sort(key=len, reverse=True)
        if clusters is not None and clusters.exists():
            for line in clusters.read_text(encoding="utf-8").splitlines():
                word, _, cluster = line.partition("\t")
                if cluster:
                    src.clusters[word] = cluster.strip()
        warm_up()
        return src

    # -- per sentence --------------------------------------------------------------------------

    @staticmethod
    def zipf_bucket(word: str) -> str:
        """How common the word is, in whole Zipf units (0: unknown to wordfreq, 7: the commonest)."""
        return str(min(7, int(zipf(word))))

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """The feature strings of every token of one sentence (its words, punctuation included)."""
        n = len(words)
        lower = [w.lower() for w in words]
        static = [self._word(w) for w in lower]
        gaz = self._gazetteer_tags(lower, static)
        title_end = self._title_ends(lower, static)
        # What a neighbour shows: its word features plus where it stands in a name or after a title.
        dynamic = [[*g, "title"] if t else g for g, t in zip(gaz, title_end, strict=True)]
        feats: list[list[str]] = []
        quoted = False  # between quotation marks: titles of papers, books, operations
        for i in range(n):
            f = static[i].own + static[i].core
            if dynamic[i]:
                f += dynamic[i]
            if lower[i] == '"':
                quoted = not quoted
            elif quoted:
                f.append("inq")
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            for d, tag in _OFFSETS:
                j = i + d
                if 0 <= j < n:
                    f.extend(static[j].shifted[tag])
                    if dynamic[j]:
                        f.extend([tag + x for x in dynamic[j]])
            if i > 0:
                f.append("b=" + lower[i - 1] + "|" + lower[i])
            if i + 1 < n:
                f.append("b+=" + lower[i] + "|" + lower[i + 1])
            feats.append(f)
        return feats

    def _word(self, w: str) -> _Word:
        """The features of a word that do not depend on its neighbours, cached: news repeats words."""
        cached = self._cache.get(w)
        if cached is not None:
            return cached
        splits = prefix_splits(w) if w[0] in PREFIX_LETTERS else []
        forms = [w] + [w[k:] for k in splits]
        # Few strings: converting them for CRFsuite is half the tagging time.
        core = ["w=" + w]
        own = ["bias", "sh=" + _shape(w), "p2=" + w[:2], "p3=" + w[:3], "s2=" + w[-2:], "s3=" + w[-3:]]
        own += ["z=" + self.zipf_bucket(w), "len=" + str(min(len(w), 8))]
        for k, form in zip(splits, forms[1:], strict=True):
            core.append("st=" + form)
            own.append(f"st{k}z=" + self.zipf_bucket(form))
            own.append(f"st{k}s3=" + form[-3:])
        if not self.first_names.isdisjoint(forms):
            core.append("fn" if self.common_first_names.isdisjoint(forms) else "fn~")
        if not self.surnames.isdisjoint(forms):
            core.append("sn")
        if w in SAYING:
            core.append("say")
        # Words that head a name or stand before one: "תנועת המושבים", "קיבוץ בארי", "שר האוצר".
        core += [tag for tag, heads in _HEAD_WORDS if not heads.isdisjoint(forms)]
        if self.clusters:
            core += self._cluster_features(forms)
        heads = [
            (k, f)
            for k, f in zip([0, *splits], forms, strict=True)
            if f in self.single or f in self.multi_len
        ]
        titles = [t for f in forms for t in self.titles.get(f, ())]
        shifted = {tag: [tag + x for x in core] for _, tag in _OFFSETS}
        word = _Word(splits, heads, titles, own, core, shifted)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[w] = word
        return word

    def knows(self, form: str) -> bool:
        """Is ``form`` (lower-cased, without prefix) a name, or the start of one, in the lists?"""
        return (
            form in self.single or form in self.multi_len or form in self.first_names or form in self.surnames
        )

    def _cluster_features(self, forms: list[str]) -> list[str]:
        """The word's cluster ("CC-FF": coarse and fine) and that of its first prefix-stripped form
        the clusters know: names behind a prefix are rarer than the bare name."""
        out = []
        for tag, candidates in (("c", forms[:1]), ("cs", forms[1:])):
            found = (self.clusters.get(f.rstrip("'")) for f in candidates)
            cluster = next((c for c in found if c is not None), None)
            if cluster is not None:
                out.append(f"{tag}={cluster}")
                coarse = cluster.partition("-")[0]
                if coarse != cluster:
                    out.append(f"{tag}c={coarse}")
        return out

    def _gazetteer_tags(self, lower: list[str], static: list[_Word]) -> list[list[str]]:
        """Longest gazetteer names over the words (the first may carry a prefix; hyphens are skipped)."""
        n = len(lower)
        out: list[list[str]] = [[] for _ in range(n)]
        content = [i for i in range(n) if lower[i] != "-"]
        pos = 0
        while pos < len(content):
            i = content[pos]
            best: tuple[int, int, str] | None = None  # (words, k, tag)
            for k, first in static[i].heads:
                longest = self.multi_len.get(first, 0)
                for length in range(min(longest, len(content) - pos), 1, -1):
                    key = (first, *(lower[content[pos + m]] for m in range(1, length)))
                    tag = self.multi.get(key)
                    if tag is not None:
                        if best is None or length > best[0]:
                            best = (length, k, tag)
                        break
                if best is None and first in self.single:
                    best = (1, k, self.single[first])
            if best is None:
                pos += 1
                continue
            length, k, tag = best
            out[i].append(f"gB={tag}")
            out[i].append(f"gk={k}")
            for m in range(1, length):
                out[content[pos + m]].append(f"gI={tag}")
            pos += length
        return out

    @staticmethod
    def _title_ends(lower: list[str], static: list[_Word]) -> list[bool]:
        """True at the last word of a role title ("השר", "ראש הממשלה", with a prefix: "לשר")."""
        ends = [False] * len(lower)
        for i, word in enumerate(static):
            for title in word.titles:
                if tuple(lower[i + 1 : i + len(title)]) == title[1:]:
                    ends[i + len(title) - 1] = True
                    break
        return ends


def _read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [normalize(x).lower() for x in lines if x.strip() and not x.startswith("#")]
