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
from itertools import islice
from pathlib import Path

from service.entities.extractor import CLUB_WORDS, MINISTER_WORDS, ORG_HEADS, PLACE_HEADS, TITLES
from service.entities.frequency import warm_up, zipf
from service.entities.gazetteer import DATA_DIR, Gazetteer, load_gazetteer
from service.entities.ner_lexicon import Lexicon
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
_NAME_LIKE = re.compile(r"[א-תa-z]\w")  # a word of two letters or more: what document features cover


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
    forms: tuple[str, ...]  # the word, then its prefix-stripped forms (of ``splits``)
    name_like: bool  # two letters or more: what document features cover
    first_name: bool  # a first name (not one that is also a common word): a cue for the next word
    mine: tuple[str, ...]  # its features, less those the model has no weight for
    shifted: tuple[tuple[str, ...], ...]  # what its neighbours at each of _OFFSETS see of it, as ``mine``


# Beyond a sentence's ends: a neighbour with no features.
_PAD = _Word([], [], [], (), False, False, (), ((), (), (), ()))
# A feature's kept string alone and at each neighbour offset (None: no weight), see _core_keep.
_Kept = tuple[str | None, tuple[str | None, ...]]
_HEAD_WORDS = (("orgh", ORG_HEADS | CLUB_WORDS), ("plch", PLACE_HEADS), ("min", MINISTER_WORDS))
_OFFSETS = ((-1, "-1:"), (1, "+1:"), (-2, "-2:"), (2, "+2:"))
CACHE_SIZE = 100_000  # words; about 0.4 kB each with the model's ``keep`` (its strings are shared)


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
    lexicon: Lexicon | None = None  # the Hebrew dictionary (ner_lexicon.py), when the model uses it
    # The features the model has a weight for (NerModel sets it; None in training): the others change
    # no label, and handing CRFsuite a string costs as much as making it.
    keep: dict[str, str] | None = None  # each string to itself: cached words share the model's strings
    _cache: dict[str, _Word] = field(default_factory=dict, repr=False)
    _core_table: dict[str, _Kept] = field(default_factory=dict, repr=False)
    _core_for: dict[str, str] | None = field(default=None, repr=False)  # the ``keep`` _core_table is of

    @classmethod
    def load(
        cls,
        gazetteer: Gazetteer | None = None,
        clusters: Path | None = CLUSTERS_FILE,
        lexicon: Lexicon | None = None,
    ) -> FeatureSource:
        gazetteer = gazetteer or load_gazetteer()
        src = cls(lexicon=lexicon)
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
        return self._sentence(*self._prepared(words))

    def _prepared(self, words: Sequence[str]) -> tuple[list[str], list[_Word], list[bool]]:
        lower = [w.lower() for w in words]
        static = [self._word(w) for w in lower]
        return lower, static, self._title_ends(lower, static)

    def _sentence(self, lower: list[str], static: list[_Word], title_end: list[bool]) -> list[list[str]]:
        # The hottest loop of tagging: each token's cached features, its neighbours' (already under
        # their offset's tag), then what depends on the sentence, filtered by ``keep``.
        n = len(lower)
        if not n:
            return []
        keep = self.keep
        gaz = self._gazetteer_tags(lower, static)
        # What a neighbour shows: its word features plus where it stands in a name or after a title.
        dynamic = [[*g, "title"] if t else g for g, t in zip(gaz, title_end, strict=True)]
        pairs = [lower[i] + "|" + lower[i + 1] for i in range(n - 1)]
        if keep is None:
            before: list[str | None] = ["b=" + p for p in pairs]  # of token i + 1
            after: list[str | None] = ["b+=" + p for p in pairs]  # of token i
        else:
            before = [keep.get("b=" + p) for p in pairs]
            after = [keep.get("b+=" + p) for p in pairs]
        quote = [False] * n  # between quotation marks: titles of papers, books, operations
        quoted = False
        for i, w in enumerate(lower):
            if w == '"':
                quoted = not quoted
            else:
                quote[i] = quoted
        inq, bos, eos = ((m if keep is None or m in keep else None) for m in ("inq", "BOS", "EOS"))
        # The tokens within two of one with a gazetteer or title tag: the only ones that see any.
        near = {j for i, tags in enumerate(dynamic) if tags for j in range(i - 2, i + 3)}
        # Each token's neighbours at -1, +1, -2, +2 (a padding word with no features past the ends)
        # and the bigrams it closes and opens: zipped, the loop indexes nothing.
        padded = [_PAD, _PAD, *static, _PAD, _PAD]
        p1, n1, p2, n2 = padded[1 : n + 1], padded[3 : n + 3], padded[:n], padded[4 : n + 4]
        around = zip(static, p1, [None, *before], n1, [*after, None], p2, n2, strict=True)
        feats: list[list[str]] = []
        for i, (word, p1, b, n1, a, p2, n2) in enumerate(around):
            f = [*word.mine, *p1.shifted[0]]
            if b:
                f.append(b)
            f += n1.shifted[1]
            if a:
                f.append(a)
            f += p2.shifted[2]
            f += n2.shifted[3]
            if quote[i] and inq:
                f.append(inq)
            if i in near:
                extra = list(dynamic[i])
                for d, tag in _OFFSETS:
                    j = i + d
                    if 0 <= j < n and dynamic[j]:
                        extra += [tag + x for x in dynamic[j]]
                f += extra if keep is None else [x for x in extra if x in keep]
            feats.append(f)
        if feats and bos:
            feats[0].append(bos)
        if feats and eos:
            feats[-1].append(eos)
        return feats

    def document(self, parts: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        """``sentence`` features of each part of one article, plus what the article says of the same
        word elsewhere (Krishnan & Manning's insight, from the text rather than a first model's tags):
        "d:fn-1" when some occurrence of one of its forms follows a first name, "d:ttl-1" a role
        title, "d:say+1" precedes a verb of saying; "db<k>" when the word without its first k
        letters stands bare elsewhere in the article (so "שהארקין" splits as ש + הארקין)."""
        prepared = [self._prepared(words) for words in parts]
        feats = [self._sentence(*p) for p in prepared]
        bare: set[str] = set()
        cues: dict[str, set[str]] = {}
        for lower, static, title_end in prepared:
            bare.update(lower)
            # Only the few words after a first name or a title, or before a verb of saying, are cued.
            cued = [(i + 1, "d:fn-1") for i, word in enumerate(static[:-1]) if word.first_name]
            cued += [(i + 1, "d:ttl-1") for i, end in enumerate(title_end[:-1]) if end]
            cued += [(i - 1, "d:say+1") for i, w in enumerate(lower) if i and w in SAYING]
            for i, cue in cued:
                if static[i].name_like:
                    for form in static[i].forms:
                        cues.setdefault(form, set()).add(cue)
        keep = self.keep
        done: dict[str, list[str]] = {}  # word → its article features: a word recurs in an article
        for (lower, static, _), sentence in zip(prepared, feats, strict=True):
            for w, word, f in zip(lower, static, sentence, strict=True):
                if not word.name_like or (
                    cues.keys().isdisjoint(word.forms)
                    and (not word.splits or bare.isdisjoint(word.forms[1:]))
                ):
                    continue  # most words: nothing the article says of them
                extra = done.get(w)
                if extra is None:
                    found: set[str] = set()
                    for form in word.forms:
                        if form in cues:
                            found |= cues[form]
                    for k, form in zip(word.splits, word.forms[1:], strict=True):
                        if form in bare:
                            found.add(f"db{k}")
                    extra = done[w] = sorted(found if keep is None else found & keep.keys())
                if extra:
                    f.extend(extra)
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
        if self.lexicon is not None and _LETTERS.match(w):
            core += self._dictionary_features(forms, own)
        heads = [
            (k, f)
            for k, f in zip([0, *splits], forms, strict=True)
            if f in self.single or f in self.multi_len
        ]
        titles = [t for f in forms for t in self.titles.get(f, ())]
        keep = self.keep
        if keep is None:
            mine = own + core
            shifted_t = tuple(tuple(tag + x for x in core) for _, tag in _OFFSETS)
        else:  # a miss is the cold path: one lookup per core feature, no shifted string built
            mine = [k for x in own if (k := keep.get(x)) is not None]
            shifted = ([], [], [], [])
            core_keep = self._core_keep()
            for x in core:
                entry = core_keep.get(x)
                if entry is None:
                    continue
                if entry[0] is not None:
                    mine.append(entry[0])
                for out, kept in zip(shifted, entry[1], strict=True):
                    if kept is not None:
                        out.append(kept)
            shifted_t = tuple(map(tuple, shifted))
        name_like = bool(_NAME_LIKE.match(w))
        word = _Word(splits, heads, titles, tuple(forms), name_like, "fn" in core, tuple(mine), shifted_t)
        if len(self._cache) >= CACHE_SIZE:  # the oldest half goes; the words of today's news stay
            for old in list(islice(self._cache, CACHE_SIZE // 2)):
                self._cache.pop(old, None)  # another thread may have taken it already
        self._cache[w] = word
        return word

    def _core_keep(self) -> dict[str, _Kept]:
        """For each feature string ``keep`` has, alone or at a neighbour's offset: the kept string and
        the kept string at each of _OFFSETS (None where the model has no weight), built once per
        ``keep``. Cold words then cost one lookup per feature rather than five strings and lookups."""
        keep = self.keep
        assert keep is not None
        if self._core_for is not keep:
            table: dict[str, _Kept] = {}
            for attribute in keep:
                x = next((attribute[len(t) :] for _, t in _OFFSETS if attribute.startswith(t)), attribute)
                table[x] = (keep.get(x), tuple(keep.get(tag + x) for _, tag in _OFFSETS))
            self._core_table, self._core_for = table, keep
        return self._core_table

    def knows(self, form: str) -> bool:
        """Is ``form`` (lower-cased, without prefix) a name, or the start of one, in the lists?"""
        return (
            form in self.single or form in self.multi_len or form in self.first_names or form in self.surnames
        )

    def _dictionary_features(self, forms: list[str], own: list[str]) -> list[str]:
        """The dictionary's flag class of the word and of its first known prefix-stripped form (to
        ``own``); "unk" (shared with the neighbours) when it knows no reading: a foreign name."""
        assert self.lexicon is not None
        flags = [self.lexicon.flag(f.rstrip("'")) for f in forms]
        own.append("dic=" + (flags[0] or "0"))
        if len(forms) > 1:
            own.append("dics=" + next((f for f in flags[1:] if f), "0"))
        return [] if any(flags) or len(forms[0]) < 2 else ["unk"]

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
        if not any(word.heads for word in static):
            return out
        content = [i for i in range(n) if lower[i] != "-"]
        pos = 0
        while pos < len(content):
            i = content[pos]
            heads = static[i].heads
            if not heads:
                pos += 1
                continue
            best: tuple[int, int, str] | None = None  # (words, k, tag)
            for k, first in heads:
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
