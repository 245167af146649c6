"""Index the shared research corpus as articles, to try the service on real text:

    python scripts/index_corpus.py [--limit N] [--alias NAME] [--workers N] [--corpus DIR]

Reads ``../shared/data/corpus/*.jsonl.gz`` (``../shared/data/SOURCES.md``) and turns its records
into articles (``service/ingest/corpus.py``: headlines as title-only articles, Geektime paragraphs
grouped into their articles, the 19th-century press dated by issue), then builds a fresh index behind
``--alias`` with the project's own pipeline and zero-downtime reindex (``service/indexing``):
schema checks, entity extraction by ``ENTITY_EXTRACTOR``, worker processes, the progress bar on a
terminal, one line per rejected record. Elasticsearch and credentials come from the environment
(ES_URL...), as for ``flask``. Serve the result with ``ES_INDEX=<alias>``.

A script rather than a ``flask`` command: the corpus is research data outside the project, and the
script says so and exits 0 where it is absent (as the benchmarks do), instead of shipping a command
whose default input is missing from every installation.

Exit status: 0 done (or no corpus), 1 some records rejected (the rest indexed), 2 the node
unreachable or refusing (the alias is left as it was).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elastic_transport import ConnectionError as ESConnectionError  # noqa: E402
from elastic_transport import ConnectionTimeout  # noqa: E402
from elasticsearch import ApiError  # noqa: E402

from service.config import Settings  # noqa: E402
from service.es import make_client  # noqa: E402
from service.indexing.loader import Files  # noqa: E402
from service.indexing.reindex import ReindexError, ReindexStopped, reindex  # noqa: E402
from service.indexing.report import Report, loaded, say, stopped  # noqa: E402
from service.ingest.corpus import article_records, corpus_files, corpus_records  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus"
DEFAULT_ALIAS = "hebrew-news-corpus"  # not the service's own alias, which a rebuild would replace


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of *.jsonl.gz, or one file")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N corpus records")
    parser.add_argument("--alias", default=DEFAULT_ALIAS, help=f"alias to build (default {DEFAULT_ALIAS})")
    parser.add_argument("--workers", type=int, default=0, help="processes that parse and extract (0: inline)")
    parser.add_argument("--keep", type=int, default=0, help="old indices of the alias to keep")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def write_records(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """The article records as JSON Lines (what the pipeline reads); how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def build(args: argparse.Namespace, settings: Settings, path: Path) -> int:
    """Reindex ``args.alias`` from the articles at ``path``; the exit status."""
    report = Report("indexing corpus")
    source = Files([path], workers=args.workers, allow_undated=True, report=report)
    es = make_client(settings)
    try:
        result = reindex(es, args.alias, source, keep=args.keep, progress=report.progress)
    except ReindexStopped as exc:
        report.finish(exc.summary)
        stopped(str(exc), exc.summary, f"; '{args.alias}' unchanged")
        return 2
    except ReindexError as exc:
        report.finish()
        say(f"indexing failed, '{args.alias}' unchanged: {exc}")
        return 2
    except (ESConnectionError, ConnectionTimeout, ApiError) as exc:
        report.finish()
        say(f"Elasticsearch at {settings.public_es_url} unreachable or refusing ({type(exc).__name__})")
        return 2
    report.finish(result.summary)
    say(f"'{args.alias}' now points to {result.index}; serve it with ES_INDEX={args.alias}")
    loaded(result.summary, result.summary.rejected)
    return 1 if result.summary.rejected else 0


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if not args.corpus.exists() or not corpus_files(args.corpus):
        print(f"skipped: no corpus at {args.corpus} (the shared data lives in ../shared/data/corpus)")
        return 0
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="corpus-articles-") as folder:
        path = Path(folder) / "articles.jsonl"
        articles = write_records(path, article_records(corpus_records(args.corpus, args.limit)))
        say(
            f"{articles} articles from {args.corpus} into '{args.alias}' at {settings.public_es_url} "
            f"(entities: {settings.entity_extractor})"
        )
        return build(args, settings, path)


if __name__ == "__main__":
    sys.exit(main())
