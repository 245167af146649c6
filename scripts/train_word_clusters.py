"""Train word clusters from ../shared/data/corpus for the NER model: service/entities/data/word_clusters.tsv.

A statistical tagger only knows the words of its training sentences; clusters learned from 19 M words of
unlabelled text give an unseen name the cluster of the names it is used like. Method: word2vec
(gensim, skip-gram) on normalised text (service/normalize.py), clitic prefixes left on; then k-means over
the unit vectors of the most frequent words, two levels (coarse, then fine inside each coarse cluster), so
the model can use the coarse code as a prefix of the fine one.

The corpus is 98 % 19th-century press (OCR) and 2 % modern news (headlines 2014-2015, Haaretz treebank
articles, Geektime paragraphs): the modern documents are repeated ``--repeat-modern`` times so that
today's names get vectors. The treebank articles of the NEMO dev split are left out, so that dev, used
to choose the NER model, stays unseen text. Fixed seed and one worker thread: the same machine gives
the same file. Needs gensim and scikit-learn (training only, not the service):

    .venv/bin/pip install 'gensim~=4.4' 'scikit-learn~=1.9'
    .venv/bin/python scripts/train_word_clusters.py          # ~15 min on one core

Without ../shared/data (a fresh clone) it says so and exits 0 without touching the committed file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Container, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.entities.word_clusters import NUMBER, tokens  # noqa: E402
from service.normalize import normalize  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "service" / "entities" / "data" / "word_clusters.tsv"
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")

# Sources written in today's Hebrew; everything else is the 19th-century press.
MODERN_PREFIXES = ("MediaAnalysis/", "HTB/", "HeQ/")
# Probe words for the quality check: known people, places, organisations.
PROBES = ("פוטין", "נתניהו", "חיפה", "פריז", "חמאס", "גוגל")


def sentences(text: str) -> Iterator[list[str]]:
    """Normalised ``text`` cut into sentences of tokens (word2vec windows do not cross a sentence)."""
    for chunk in SENTENCE_RE.split(normalize(text)):
        words = tokens(chunk)
        if len(words) > 1:
            yield words


def nemo_dev_docs(data: Path) -> set[str]:
    """Treebank document ids of the NEMO dev sentences, kept out of the corpus."""
    path = data / "entities_nemo_train_dev.jsonl"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as handle:
        return {row["doc_id"] for row in map(json.loads, handle) if row["split"] == "dev"}


def write_corpus(data: Path, target: Path, repeat_modern: int, seed: int, max_docs: int | None) -> dict:
    """Write the training text, one sentence a line, shuffled; return counts for the report."""
    dev_docs = nemo_dev_docs(data)
    seen: set[int] = set()
    lines: list[str] = []
    stats = Counter()
    for path in sorted((data / "corpus").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for raw in handle:
                doc = json.loads(raw)
                if max_docs is not None and stats["docs"] >= max_docs:
                    break
                if doc["doc_id"] in dev_docs:
                    stats["docs_nemo_dev_skipped"] += 1
                    continue
                text = doc["text"]  # titles are the text's first line, or OCR noise
                key = hash(text)
                if key in seen:
                    stats["docs_duplicate_skipped"] += 1
                    continue
                seen.add(key)
                modern = doc["source"].startswith(MODERN_PREFIXES)
                copies = repeat_modern if modern else 1
                stats["docs"] += 1
                for words in sentences(text):
                    stats["words_modern" if modern else "words_19c"] += len(words)
                    lines.extend([" ".join(words)] * copies)
    random.Random(seed).shuffle(lines)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats["lines"] = len(lines)
    return dict(stats)


def train_vectors(corpus: Path, args: argparse.Namespace):
    """Skip-gram word2vec over the corpus file; one worker keeps the result reproducible."""
    from gensim.models import Word2Vec

    return Word2Vec(
        corpus_file=str(corpus),
        vector_size=args.dim,
        window=args.window,
        min_count=args.min_count,
        sg=1,
        negative=5,
        sample=1e-4,
        epochs=args.epochs,
        workers=args.workers,
        seed=args.seed,
    )


def cluster(words: list[str], vectors, coarse: int, fine: int, seed: int) -> dict[str, str]:
    """Two-level k-means over unit vectors (cosine): ``coarse`` clusters, each cut into ``fine``."""
    import numpy as np
    from sklearn.cluster import KMeans

    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    top = KMeans(n_clusters=coarse, n_init=4, random_state=seed).fit_predict(unit)
    codes: dict[str, str] = {}
    for c in range(coarse):
        members = np.flatnonzero(top == c)
        k = min(fine, len(members))
        sub = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(unit[members])
        for index, f in zip(members, sub, strict=True):
            codes[words[index]] = f"{c:02d}-{f:02d}"
    return {word: codes[word] for word in words}  # frequency order


def coverage(data: Path, table: Container[str]) -> dict[str, float]:
    """Share of NEMO tokens (all, and inside entities) that have a cluster, per split."""
    path = data / "entities_nemo_train_dev.jsonl"
    if not path.exists():
        return {}
    found: Counter = Counter()
    total: Counter = Counter()
    with path.open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            text = normalize(row["text"])
            inside = [
                w
                for e in row["entities_token"]
                if e["type"] in ("PER", "ORG", "GPE", "LOC")
                for w in tokens(normalize(e["text"]))
            ]
            for kind, words in (("tokens", tokens(text)), ("entity_tokens", inside)):
                words = [w for w in words if w != NUMBER]
                total[f"{row['split']}_{kind}"] += len(words)
                found[f"{row['split']}_{kind}"] += sum(w in table for w in words)
    return {key: round(found[key] / total[key], 3) for key in sorted(total)}


def probe_report(table: dict[str, str], per_cluster: int = 25) -> str:
    """The most frequent members of the fine cluster of each probe word."""
    members: dict[str, list[str]] = {}
    for word, code in table.items():
        members.setdefault(code, []).append(word)
    lines = []
    for probe in PROBES:
        code = table.get(probe)
        if code is None:
            lines.append(f"{probe}: no cluster")
            continue
        group = members[code]
        lines.append(f"{probe} -> {code} ({len(group)} words): {' '.join(group[:per_cluster])}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DATA, help="the shared data folder (default ../shared/data)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--top", type=int, default=200_000, help="words written, most frequent first")
    parser.add_argument("--coarse", type=int, default=32)
    parser.add_argument("--fine", type=int, default=16)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--repeat-modern", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-docs", type=int, default=None, help="a subset, for a quick try")
    parser.add_argument("--verbose", action="store_true", help="gensim's training progress")
    parser.add_argument("--save-vectors", type=Path, help="also keep the word vectors (not committed)")
    parser.add_argument("--vectors", type=Path, help="cluster vectors saved earlier instead of training")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.data / "corpus").is_dir():
        print(
            f"skipped: no corpus at {args.data / 'corpus'} (a fresh clone has no ../shared); "
            f"the committed {OUT.relative_to(ROOT)} is left as it is"
        )
        return 0
    from threadpoolctl import threadpool_limits

    if args.verbose:
        logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)

    started = time.monotonic()
    if args.vectors:
        from gensim.models import KeyedVectors

        vectors = KeyedVectors.load(str(args.vectors))
    else:
        with tempfile.TemporaryDirectory() as tmp, threadpool_limits(1):
            corpus = Path(tmp) / "corpus.txt"
            stats = write_corpus(args.data, corpus, args.repeat_modern, args.seed, args.max_docs)
            print("corpus:", json.dumps(stats), f"({time.monotonic() - started:.0f} s)", flush=True)
            vectors = train_vectors(corpus, args).wv
        if args.save_vectors:
            vectors.save(str(args.save_vectors))
    print(f"word2vec: {len(vectors)} words ({time.monotonic() - started:.0f} s)", flush=True)
    vocabulary = [w for w in vectors.index_to_key if w != NUMBER]
    for cutoff in (25_000, 50_000, 100_000, 200_000, len(vocabulary)):
        shares = coverage(args.data, set(vocabulary[:cutoff]))
        print(f"coverage of the top {cutoff} words:", json.dumps(shares))
    words = vocabulary[: args.top]
    with threadpool_limits(1):
        table = cluster(words, vectors[words], args.coarse, args.fine, args.seed)
    args.out.write_text("".join(f"{w}\t{c}\n" for w, c in table.items()), encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {len(table)} words, {len(set(table.values()))} clusters, {size / 1e6:.1f} MB to {args.out}")
    print("coverage:", json.dumps(coverage(args.data, table)))
    print(probe_report(table))
    for probe in PROBES:
        if probe in vectors:
            print(f"{probe} nearest:", " ".join(w for w, _ in vectors.most_similar(probe, topn=15)))
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
