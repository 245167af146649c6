"""Command-line entry points: ``flask --app service ingest|index|reindex PATH...``, ``delete ID...``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from flask import Flask

from service.model import Article

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "samples"

paths_argument = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
undated_option = click.option(
    "--allow-undated", is_flag=True, help="Accept articles without a publication date."
)


def _reported(items, counts: dict[str, int]) -> Iterator[Article]:
    """Pass articles on; report rejections and warnings on stderr as they come."""
    from service.ingest.sources import Rejection

    for item in items:
        counts["read"] += 1
        if isinstance(item, Rejection):
            counts["rejected"] += 1
            click.echo(f"rejected {item}", err=True)
            continue
        for warning in item.warnings:
            click.echo(f"warning {item.origin}: {warning}", err=True)
        yield item


def _progress(label: str):
    """A tqdm bar on a terminal; nothing when stderr is not one (CI, logs)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=label, unit=" docs", file=sys.stderr)

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update


def _unreachable_is_a_message(command):
    """An unreachable Elasticsearch, or one that refuses a request (a full disk's read-only block),
    is a one-line error (exit 2), not a traceback."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from elastic_transport import ConnectionError as ESConnectionError
        from elastic_transport import ConnectionTimeout
        from elasticsearch import ApiError

        try:
            return command(*args, **kwargs)
        except (ESConnectionError, ConnectionTimeout) as exc:
            from service import get_settings

            where = get_settings().public_es_url
            click.echo(f"Elasticsearch at {where} is unreachable ({type(exc).__name__})", err=True)
            sys.exit(2)
        except ApiError as exc:
            click.echo(f"stopped: Elasticsearch refused a request: {_api_reason(exc)}", err=True)
            sys.exit(2)

    return wrapper


def _api_reason(exc) -> str:
    """``<status> <error type>: <reason>`` of an ApiError, on one line."""
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    if isinstance(error, dict):
        return f"{exc.status_code} {error.get('type')}: {str(error.get('reason', ''))[:300]}"
    return f"{exc.status_code} {str(exc.message)[:300]}"


def _stopped(reason: str, counts: dict[str, int], summary, alias_note: str) -> None:
    """The node stopped taking writes: say why and what was stored, in a few lines, exit 2."""
    click.echo(f"stopped: Elasticsearch refuses writes ({reason}){alias_note}", err=True)
    click.echo(
        f"read {counts['read']}, stored {summary.stored_articles} articles completely "
        f"({summary.documents} documents) before the stop, not stored: the rest "
        f"({len(summary.failed)} documents refused); rejected {counts['rejected']}, "
        f"{summary.seconds:.2f}s",
        err=True,
    )
    sys.exit(2)


def register(app: Flask) -> None:
    @app.cli.command("ingest")
    @paths_argument
    @undated_option
    def ingest_command(paths: tuple[Path, ...], allow_undated: bool) -> None:
        """Parse articles and print them as JSON Lines (one article a line), for inspection."""
        from service.ingest.sources import read_paths

        if not paths:
            raise click.UsageError("give PATHS to parse")
        counts = {"read": 0, "rejected": 0}
        for article in _reported(read_paths(paths, allow_undated=allow_undated), counts):
            click.echo(json.dumps(article.to_json(), ensure_ascii=False))
        click.echo(
            f"read {counts['read']}, parsed {counts['read'] - counts['rejected']}, "
            f"rejected {counts['rejected']}",
            err=True,
        )
        sys.exit(1 if counts["rejected"] else 0)

    @app.cli.command("index")
    @_unreachable_is_a_message
    @paths_argument
    @undated_option
    @click.option("--sample", is_flag=True, help="Index the bundled sample article.")
    def index_command(paths: tuple[Path, ...], sample: bool, allow_undated: bool) -> None:
        """Parse and index articles into the live alias (creating it when absent).
        Exit 3 when the live index has an older mapping version (rebuild it with reindex)."""
        from service import get_es, get_settings
        from service.es import OutdatedIndex, ensure_alias
        from service.indexer import WriteStopped, index_articles
        from service.ingest.sources import read_paths

        targets = list(paths) + ([SAMPLE_DIR] if sample else [])
        if not targets:
            raise click.UsageError("give PATHS to index, or --sample")
        es = get_es()
        alias = get_settings().es_index
        try:
            ensure_alias(es, alias)
        except OutdatedIndex as exc:
            click.echo(f"nothing indexed: {exc}", err=True)
            sys.exit(3)
        counts = {"read": 0, "rejected": 0}
        try:
            summary = index_articles(
                es, alias, _reported(read_paths(targets, allow_undated=allow_undated), counts)
            )
        except WriteStopped as exc:
            _stopped(str(exc), counts, exc.summary, "")
        for failure in summary.failed:
            click.echo(f"rejected by Elasticsearch {failure}", err=True)
        rejected = counts["rejected"] + len(summary.failed)
        if summary.removed:
            click.echo(f"removed {summary.removed} parts that updated articles no longer have", err=True)
        click.echo(
            f"read {counts['read']}, indexed {summary.articles} articles ({summary.documents} documents), "
            f"rejected {rejected}, {summary.seconds:.2f}s",
            err=True,
        )
        sys.exit(1 if rejected else 0)

    @app.cli.command("delete")
    @_unreachable_is_a_message
    @click.argument("article_ids", nargs=-1, required=True)
    def delete_command(article_ids: tuple[str, ...]) -> None:
        """Remove articles (a retraction, a legal takedown) with all their parts from the live alias.
        Exit 1 when an id is not in the index."""
        from service import get_es, get_settings
        from service.indexer import delete_articles

        alias = get_settings().es_index
        found = delete_articles(get_es(), alias, article_ids)
        for article_id, documents in found.items():
            if documents:
                click.echo(f"deleted {article_id} ({documents} documents)", err=True)
            else:
                click.echo(f"not found: {article_id}", err=True)
        sys.exit(0 if all(found.values()) else 1)

    @app.cli.command("reindex")
    @_unreachable_is_a_message
    @paths_argument
    @undated_option
    @click.option("--sample", is_flag=True, help="Include the bundled sample article.")
    @click.option("--keep", default=0, show_default=True, help="Old indices to keep after the swap.")
    @click.option("--chunk-size", default=500, show_default=True, help="Documents per bulk request.")
    @click.option(
        "--workers", default=0, show_default=True, help="Processes that parse and extract (0: inline)."
    )
    def reindex_command(
        paths: tuple[Path, ...], allow_undated: bool, sample: bool, keep: int, chunk_size: int, workers: int
    ) -> None:
        """Rebuild the index from PATHS into a new index and swap the alias to it atomically.

        With --workers N, N processes parse and extract entities while this one sends bulk requests
        (service/pipeline.py): faster on a machine with cores to spare, same documents."""
        from elasticsearch import Elasticsearch

        from service import get_es, get_settings
        from service.ingest.sources import Rejection, read_paths
        from service.reindex import ReindexError, ReindexStopped, reindex

        targets = list(paths) + ([SAMPLE_DIR] if sample else [])
        if not targets:
            raise click.UsageError("give PATHS to load, or --sample")
        alias = get_settings().es_index
        counts = {"read": 0, "rejected": 0}
        articles = _reported(read_paths(targets, allow_undated=allow_undated), counts)
        loader = None
        if workers:
            from service.pipeline import Pipeline

            def rejected(item: Rejection) -> None:
                counts["rejected"] += 1
                click.echo(f"rejected {item}", err=True)

            def loader(es: Elasticsearch, index: str, *, chunk_size: int, on_batch: Callable[[int], None]):
                with Pipeline(
                    index,
                    workers=workers,
                    allow_undated=allow_undated,
                    on_rejection=rejected,
                    on_warning=lambda origin, w: click.echo(f"warning {origin}: {w}", err=True),
                ) as pipeline:
                    summary = pipeline.load(
                        es, targets, chunk_size=chunk_size, refresh=False, on_batch=on_batch
                    )
                    counts["read"] = pipeline.stats.read
                    return summary

        try:
            result = reindex(
                get_es(),
                alias,
                articles,
                keep=keep,
                chunk_size=chunk_size,
                progress=_progress("reindexing"),
                loader=loader,
            )
        except ReindexStopped as exc:
            _stopped(str(exc), counts, exc.summary, f"; reindex abandoned, '{alias}' unchanged")
        except ReindexError as exc:
            click.echo(f"reindex failed, '{alias}' unchanged: {exc}", err=True)
            sys.exit(2)
        summary = result.summary
        if result.removed_partial:
            click.echo(
                f"removed partial indices of an earlier run: {', '.join(result.removed_partial)}", err=True
            )
        click.echo(
            f"'{alias}' now points to {result.index} (was {', '.join(result.previous) or 'nothing'}); "
            f"deleted {', '.join(result.deleted) or 'nothing'}",
            err=True,
        )
        if result.replayed:
            click.echo(f"replayed {result.replayed} articles written or deleted during the reindex", err=True)
        if summary.removed:
            click.echo(f"removed {summary.removed} parts of earlier versions of repeated ids", err=True)
        click.echo(
            f"read {counts['read']}, indexed {summary.articles} articles ({summary.documents} documents), "
            f"rejected {counts['rejected']}, {summary.seconds:.2f}s",
            err=True,
        )
        sys.exit(1 if counts["rejected"] else 0)
