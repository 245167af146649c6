"""Evaluate the entity extractor against gold named-entity spans (NEMO by default).

    python bench/eval_entities.py [--gold ../shared/data/entities_nemo_train_dev.jsonl] [--split dev]
        [--extractor model|gazetteer] [--union place,organisation|none]

The gold file is JSON Lines with ``text``, ``doc_id`` and ``entities`` (``start``, ``end``, ``type``
of prefix-stripped spans); ``split`` is optional. Sentences of one ``doc_id`` are extracted together
as one article, so that in-article rules (surname linking, homograph support) work as in the index.

Reports, per type (person ↔ PER, place ↔ GPE+LOC, organisation ↔ ORG; MISC is not scored):
- strict span match: precision, recall and F1 of (sentence, start, end, type);
- per-article set match (what a facet shows): the set of (type, surface text) of each article;
- speed: sentences a second on one core (extraction only, after a warm-up).
``--extractor`` picks the extractor (default: ``ENTITY_EXTRACTOR``, else the NER model); ``--union``
the types whose strong gazetteer matches the model extractor adds where the model found nothing.
Offsets are mapped back to the gold text by ``service.entities.tagging.offset_map``, the function
``flask entities`` uses. The last line printed is one JSON object with every figure. Exits 0 with a
clear message when the gold file is absent (a fresh machine has no ../shared).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchlib import SHARED_DATA

from service.config import Settings
from service.entities.extractor import GazetteerExtractor
from service.entities.model_extractor import DEFAULT_UNION, ModelExtractor
from service.entities.tagging import offset_map, original_span
from service.normalize import normalize

DEFAULT_GOLD = SHARED_DATA / "entities_nemo_train_dev.jsonl"
GOLD_TYPES = {"PER": "person", "GPE": "place", "LOC": "place", "ORG": "organisation"}
TYPES = ("person", "place", "organisation")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def load(path: Path, split: str | None) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if split and row.get("split", split) != split:
                continue
            docs[str(row.get("doc_id", row.get("id")))].append(row)
    return docs


def make(kind: str, union: str) -> GazetteerExtractor | ModelExtractor:
    """The extractor to score; the model's with the given union types."""
    if kind == "gazetteer":
        return GazetteerExtractor()
    types = set() if union == "none" else {t.strip() for t in union.split(",") if t.strip()}
    if not types <= set(TYPES):
        raise SystemExit(f"--union: unknown types {sorted(types - set(TYPES))} (use {', '.join(TYPES)})")
    return ModelExtractor(union=types)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument(
        "--split", default="dev", help="split to score when the file has one ('all' for every row)"
    )
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives and negatives")
    parser.add_argument(
        "--extractor",
        choices=["model", "gazetteer"],
        default=Settings.from_env().entity_extractor,
        help="the extractor to score (default: ENTITY_EXTRACTOR, else model)",
    )
    parser.add_argument(
        "--union",
        default=",".join(sorted(DEFAULT_UNION)),
        help="model extractor: types whose strong gazetteer matches join the model's ('none': no type)",
    )
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"skipped: gold file {args.gold} not found (it lives in ../shared/data)")
        return 0
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = load(args.gold, None if args.split == "all" else args.split)
    sentences = sum(len(rows) for rows in docs.values())

    extractor = make(args.extractor, args.union)
    extractor.warm_up()

    strict = {t: Counts() for t in TYPES}
    sets = {t: Counts() for t in TYPES}
    errors: list[str] = []
    seconds = 0.0
    for rows in docs.values():
        texts = [normalize(r["text"]) for r in rows]
        started = time.perf_counter()
        result = extractor.extract(texts)
        seconds += time.perf_counter() - started
        gold_set: set[tuple[str, str]] = set()
        pred_set: set[tuple[str, str]] = set()
        for row, text, mentions in zip(rows, texts, result.parts, strict=True):
            gold = {
                (e["start"], e["end"], GOLD_TYPES[e["type"]])
                for e in row["entities"]
                if e["type"] in GOLD_TYPES
            }
            back = offset_map(row["text"], text)
            spans = [(original_span(row["text"], back, m.start, m.end), m.type) for m in mentions]
            pred = {(s, e, t) for (s, e), t in spans if t in TYPES}
            for t in TYPES:
                g = {x for x in gold if x[2] == t}
                p = {x for x in pred if x[2] == t}
                strict[t].tp += len(g & p)
                strict[t].fp += len(p - g)
                strict[t].fn += len(g - p)
            gold_set |= {(t, normalize(row["text"][s:e])) for s, e, t in gold}
            pred_set |= {(t, normalize(row["text"][s:e])) for s, e, t in pred}
            if args.errors:
                errors += [
                    f"FP {t:12} {row['text'][s:e]!r:30} | {row['text']}" for s, e, t in sorted(pred - gold)
                ]
                errors += [
                    f"FN {t:12} {row['text'][s:e]!r:30} | {row['text']}" for s, e, t in sorted(gold - pred)
                ]
        for t in TYPES:
            g = {x for x in gold_set if x[0] == t}
            p = {x for x in pred_set if x[0] == t}
            sets[t].tp += len(g & p)
            sets[t].fp += len(p - g)
            sets[t].fn += len(g - p)

    for line in errors[: args.errors]:
        print(line)
    targets = {"person": 0.70, "place": 0.85, "organisation": 0.55}
    print(f"gold: {args.gold} (split {args.split}): {len(docs)} articles, {sentences} sentences")
    print(f"extractor: {args.extractor}" + (f" (union: {args.union})" if args.extractor == "model" else ""))
    print(f"{'type':14}{'strict P':>10}{'R':>8}{'F1':>8}{'target':>8}   {'set P':>8}{'R':>8}{'F1':>8}")
    for t in TYPES:
        s, a = strict[t].scores(), sets[t].scores()
        print(
            f"{t:14}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{targets[t]:>8.2f}   "
            f"{a['precision']:>8.3f}{a['recall']:>8.3f}{a['f1']:>8.3f}"
        )
    speed = sentences / seconds if seconds else 0.0
    print(f"speed: {speed:,.0f} sentences/s on one core (target 2,000)")
    summary = {
        "gold": str(args.gold),
        "split": args.split,
        "extractor": args.extractor,
        "union": args.union if args.extractor == "model" else None,
        "articles": len(docs),
        "sentences": sentences,
        "strict": {t: strict[t].scores() for t in TYPES},
        "article_sets": {t: sets[t].scores() for t in TYPES},
        "targets_f1": targets,
        "sentences_per_second": round(speed, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
