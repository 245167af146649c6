"""Generate a deterministic synthetic corpus of news articles, to a target number of PARTS.

Why this exists: the speed-and-scale benchmarks (``bench_index``, ``bench_query``, ``bench_load``)
need 100,000 and 1,000,000 index parts, shaped like real articles, while the evaluation corpus in
``../shared/data/corpus`` has 61,666 short documents. This script builds articles from that
corpus's own sentences, at run time (nothing of it is copied into the project):

- a title (a real headline or title, else the start of a sentence), a lead (1-2 sentences),
  5-15 body paragraphs (2-5 sentences each) and 1-4 photo captions with credits (a photographer,
  an agency, or both, in the shapes ``service/ingest/credits.py`` splits);
- entities: names from the project's own gazetteer (``service/entities/data/*.yaml``) sprinkled
  into sentences, with the prefixes Hebrew glues to them (ב, ל, מ, ו), a fixed set of frequent
  names (``FEATURED``, which ``bench_query`` filters on) taking a third of the mentions;
- dates spread over twenty years (2005-2024) with Israeli offsets, sources and authors.

Articles are JSON Lines in the project's input schema (``schemas/article.schema.json``); every
article has a unique ``url``, so its id is stable. The same ``--seed`` and corpus give the same
file byte for byte. A part is what the indexer makes of an article: its title, its lead, each
paragraph and each caption; the generator stops at exactly ``--parts`` parts (the last article
takes what is left).

Usage (from the project root)::

    .venv/bin/python bench/gen_corpus.py --parts 100000 [--seed 7] [--out PATH] [--force]

Output: ``.cache/bench/articles-<100k|1m>-s<seed>.jsonl`` (ignored by git) with a ``.meta.json``
beside it; an existing file made by the same generator version and seed is reused. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from benchlib import BENCH_DIR, CORPUS_DIR, DEFAULT_SEED, ROOT, corpus_missing, parts_label

GENERATOR_VERSION = 1
DATA_DIR = ROOT / "service" / "entities" / "data"
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS, MAX_WORDS = 5, 40
FIRST_DAY = datetime(2005, 1, 1)
DAYS = 20 * 365 + 5  # 2005-01-01 .. 2024-12-31
SOURCES = ["ynet", "haaretz", "maariv", "israelhayom", "walla", "mako", "globes", "calcalist"]
SOURCE_WEIGHTS = [24, 16, 14, 14, 10, 10, 6, 6]
AGENCIES = ['לע"מ', "AFP", "רויטרס", "AP", "פלאש 90", "EPA", 'דובר צה"ל', "Getty Images", "שאטרסטוק"]
# Frequent names: a third of the sprinkled mentions; bench_query filters by these ids.
FEATURED = [
    "person:netanyahu-benjamin",
    "person:lapid-yair",
    "person:gantz-benny",
    "person:trump-donald",
    "place:jerusalem",
    "place:tel-aviv",
    "place:gaza-strip",
    "place:iran",
    "organisation:knesset",
    "organisation:idf",
    "organisation:hamas",
    "organisation:supreme-court-israel",
]
FEATURED_SHARE = 1 / 3
TYPE_FILES = {"person": "people.yaml", "place": "places.yaml", "organisation": "organisations.yaml"}
PREFIXES = {"person": ["", "", "", "ו", "ש"], "place": ["", "ב", "ב", "ל", "מ", "ו"]}
ORG_PREFIXES = ["", "", "ו", "ב", "ל"]


def default_output(parts: int, seed: int) -> Path:
    return BENCH_DIR / f"articles-{parts_label(parts)}-s{seed}.jsonl"


class Names:
    """Gazetteer names to sprinkle: (surface, type, takes_article) for every entity, featured apart."""

    def __init__(self) -> None:
        self.all: list[tuple[str, str, bool]] = []
        self.featured: list[tuple[str, str, bool]] = []
        featured_ids = set(FEATURED)
        for entity_type, filename in TYPE_FILES.items():
            with open(DATA_DIR / filename, encoding="utf-8") as f:
                entries = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
            for entry in entries:
                name = str(entry["name"]).strip()
                item = (name, entity_type, bool(entry.get("takes_article")))
                self.all.append(item)
                if f"{entity_type}:{entry['id']}" in featured_ids:
                    self.featured.append(item)
        self.first = _word_list(DATA_DIR / "first_names.txt")[:400]
        self.surnames = _word_list(DATA_DIR / "surnames.txt")

    def pick(self, rng: random.Random) -> str:
        name, entity_type, takes_article = rng.choice(
            self.featured if rng.random() < FEATURED_SHARE else self.all
        )
        if entity_type == "organisation":
            prefix = rng.choice(ORG_PREFIXES)
            if takes_article and prefix in ("ב", "ל") and name.startswith("ה"):
                return prefix + name[1:]  # the prefix absorbs the article: בכנסת
            return ("ו" if takes_article and prefix else prefix) + name
        return rng.choice(PREFIXES[entity_type]) + name

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(self.first)} {rng.choice(self.surnames)}"


def _word_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


def load_pools(corpus_dir: Path) -> tuple[list[str], list[str]]:
    """Sentences (5-40 words) and titles (4-14 words) of the corpus, in a fixed order."""
    sentences: list[str] = []
    titles: list[str] = []
    for path in sorted(corpus_dir.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                doc = json.loads(line)
                title = " ".join((doc.get("title") or "").split())
                if 4 <= len(title.split()) <= 14:
                    titles.append(title)
                if doc.get("kind") == "headline_only":
                    continue
                for sentence in SENTENCE_END_RE.split(doc.get("text") or ""):
                    sentence = " ".join(sentence.split())
                    if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
                        sentences.append(sentence)
    return sentences, titles


class Generator:
    def __init__(self, sentences: list[str], titles: list[str], names: Names, seed: int) -> None:
        self.sentences, self.titles, self.names = sentences, titles, names
        self.seed = seed
        self.rng = random.Random(seed)
        self.photographers = [names.person(self.rng) for _ in range(300)]
        self.authors = [names.person(self.rng) for _ in range(500)]

    def sentence(self, mentions: float = 0.0) -> str:
        """A corpus sentence; with probability ``mentions`` (per name, up to 2) names inserted."""
        rng = self.rng
        words = rng.choice(self.sentences).split()
        for _ in range(2):
            if rng.random() < mentions:
                words.insert(rng.randrange(len(words) + 1), self.names.pick(rng))
        return " ".join(words)

    def paragraph(self) -> str:
        return " ".join(self.sentence(0.35) for _ in range(self.rng.randint(2, 5)))

    def credit(self) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.35:
            return rng.choice(self.photographers)
        if shape < 0.7:
            return f"{rng.choice(self.photographers)}, {rng.choice(AGENCIES)}"
        if shape < 0.85:
            return f"{rng.choice(self.photographers)} / {rng.choice(AGENCIES)}"
        return rng.choice(AGENCIES)

    def caption(self) -> str:
        words = self.sentence(0.6).split()[:16]
        return " ".join(words).rstrip(".,") + "."

    def published_at(self) -> str:
        rng = self.rng
        moment = FIRST_DAY + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(24 * 60))
        offset = "+03:00" if 4 <= moment.month <= 10 else "+02:00"
        return moment.strftime("%Y-%m-%dT%H:%M:00") + offset

    def shape(self, left: int) -> tuple[int, int]:
        """Paragraphs and captions of the next article; the last one takes the parts left over, so
        that no article is left with fewer than 8 parts and the total is exact."""
        rng = self.rng
        paragraphs_n, captions_n = rng.randint(5, 15), rng.randint(1, 4)
        rest = left - (2 + paragraphs_n + captions_n)
        if rest < 8 and rest != 0:
            captions_n = min(captions_n, max(0, left - 3))
            paragraphs_n = left - 2 - captions_n
        return paragraphs_n, captions_n

    def article(self, number: int, paragraphs_n: int, captions_n: int) -> dict[str, Any]:
        """One article: a title, a lead, ``paragraphs_n`` paragraphs and ``captions_n`` captions."""
        rng = self.rng
        title = rng.choice(self.titles) if rng.random() < 0.7 else " ".join(self.sentence().split()[:10])
        if rng.random() < 0.4:
            words = title.split()
            words.insert(rng.randrange(len(words) + 1), self.names.pick(rng))
            title = " ".join(words)
        captions: list[str] = []
        while len(captions) < captions_n:
            caption = self.caption()
            if caption not in captions:
                captions.append(caption)
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        record: dict[str, Any] = {
            "url": f"https://news.example/{source}/s{self.seed}/{number}",
            "source": source,
            "title": title,
            "published_at": self.published_at(),
            "authors": rng.sample(self.authors, rng.randint(0, 2)),
            "lead": " ".join(self.sentence(0.5) for _ in range(rng.randint(1, 2))),
            "body": [self.paragraph() for _ in range(paragraphs_n)],
            "images": [{"caption": c, "credit": self.credit()} for c in captions],
        }
        return record


def generate(parts: int, seed: int, out: Path) -> dict[str, Any]:
    started = time.perf_counter()
    sentences, titles = load_pools(CORPUS_DIR)
    gen = Generator(sentences, titles, Names(), seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    total = articles = 0
    with open(tmp, "w", encoding="utf-8") as f:
        while total < parts:
            paragraphs_n, captions_n = gen.shape(parts - total)
            record = gen.article(articles, paragraphs_n, captions_n)
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            total += 2 + paragraphs_n + captions_n
            articles += 1
    tmp.replace(out)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "parts": total,
        "articles": articles,
        "bytes": out.stat().st_size,
        "sentence_pool": len(sentences),
        "title_pool": len(titles),
        "seconds": round(time.perf_counter() - started, 1),
    }
    meta_path(out).write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def meta_path(out: Path) -> Path:
    return out.with_name(out.name.removesuffix(".jsonl") + ".meta.json")


def ensure_corpus(parts: int, seed: int = DEFAULT_SEED, out: Path | None = None, force: bool = False) -> Path:
    """The generated file for ``parts`` and ``seed``, generated when absent or out of date."""
    out = out or default_output(parts, seed)
    meta_file = meta_path(out)
    if not force and out.exists() and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("generator_version") == GENERATOR_VERSION and meta.get("parts") == parts:
            return out
    print(f"generating {parts:,} parts (seed {seed}) into {out} ...", flush=True)
    meta = generate(parts, seed, out)
    print(
        f"  {meta['articles']:,} articles, {meta['parts']:,} parts, {meta['bytes'] / 2**20:,.0f} MiB "
        f"in {meta['seconds']} s",
        flush=True,
    )
    return out


def corpus_meta(path: Path) -> dict[str, Any]:
    return json.loads(meta_path(path).read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, required=True, help="parts to generate (e.g. 100000, 1000000)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--out", type=Path, default=None, help="output file (default under .cache/bench/)")
    parser.add_argument("--force", action="store_true", help="regenerate even when the file exists")
    args = parser.parse_args(argv)
    if args.parts < 10:
        parser.error("--parts must be at least 10")
    if corpus_missing():
        return 0
    path = ensure_corpus(args.parts, args.seed, args.out, args.force)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
