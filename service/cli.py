"""Command-line entry points: ``flask --app service ingest|index|reindex PATH...``, ``delete ID...``,
``entities [PATH...]``.

Thin on purpose: each command reads its options, calls the write side (``service/indexing/``) and
says what happened (``service/indexing/report.py``). The write side is imported when a command
runs, so that creating the app (gunicorn, tests) does not load it.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "samples"

paths_argument = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
undated_option = click.option(
    "--allow-undated", is_flag=True, help="Accept articles without a publication date."
)
workers_option = click.option(
    "--workers",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Processes that parse and extract (0: inline).",
)


def _unreachable_is_a_message(command):
    """An unreachable Elasticsearch, or one that refuses a request (a full disk's read-only block),
    is a one-line error (exit 2), not a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from elastic_transport import ConnectionError as ESConnectionError
        from elastic_transport import ConnectionTimeout
        from elasticsearch import ApiError

        from service.es import get_settings

        try:
            return command(*args, **kwargs)
        except (ESConnectionError, ConnectionTimeout) as exc:
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


def _targets(paths: tuple[Path, ...], sample: bool, missing: str) -> list[Path]:
    targets = list(paths) + ([SAMPLE_DIR] if sample else [])
    if not targets:
        raise click.UsageError(missing)
    return targets


UNDATED_NOTE = "no date: indexing needs one, or --allow-undated"


@click.command("ingest")
@paths_argument
@undated_option
def ingest_command(paths: tuple[Path, ...], allow_undated: bool) -> None:
    """Parse articles and print them as JSON Lines (one article a line), for inspection.
    Undated articles are parsed and printed too, each with a warning unless --allow-undated:
    only indexing needs a date."""
    from service.indexing.report import Report, say
    from service.ingest.sources import read_paths
    from service.model import Article

    if not paths:
        raise click.UsageError("give PATHS to parse")
    report = Report()
    undated = 0

    def noted(items):
        nonlocal undated
        for item in items:
            if isinstance(item, Article) and item.published_at is None:
                undated += 1
                if not allow_undated:
                    item.warnings.append(UNDATED_NOTE)
            yield item

    for article in report.articles(noted(read_paths(paths, allow_undated=True))):
        click.echo(json.dumps(article.to_json(), ensure_ascii=False))
    dates = f" ({undated} without a date)" if undated else ""
    say(f"read {report.read}, parsed {report.read - report.rejected}{dates}, rejected {report.rejected}")
    sys.exit(1 if report.rejected else 0)


@click.command("index")
@with_appcontext
@_unreachable_is_a_message
@paths_argument
@undated_option
@click.option("--sample", is_flag=True, help="Index the bundled sample article.")
@workers_option
def index_command(paths: tuple[Path, ...], sample: bool, allow_undated: bool, workers: int) -> None:
    """Parse and index articles into the live alias (creating it when absent).
    Exit 3 when the live index has an older mapping version (rebuild it with reindex).

    With --workers N, N processes parse and extract entities (service/indexing/pipeline.py)."""
    from service.es import OutdatedIndex, ensure_alias, get_es, get_settings
    from service.indexing.bulk import WriteStopped
    from service.indexing.loader import load
    from service.indexing.report import Report, loaded, say, stopped

    targets = _targets(paths, sample, "give PATHS to index, or --sample")
    es, alias = get_es(), get_settings().es_index
    try:
        ensure_alias(es, alias)
    except OutdatedIndex as exc:
        say(f"nothing indexed: {exc}")
        sys.exit(3)
    report = Report("indexing")  # its bar on a terminal, as reindex's
    try:
        summary = load(es, targets, alias, workers=workers, allow_undated=allow_undated, report=report)
    except WriteStopped as exc:
        report.finish(exc.summary)
        stopped(str(exc), exc.summary)
        sys.exit(2)
    report.finish(summary)
    for failure in summary.failed:
        say(f"rejected by Elasticsearch {failure}")
    loaded(summary, summary.rejected + len(summary.failed))
    sys.exit(1 if summary.rejected + len(summary.failed) else 0)


@click.command("delete")
@with_appcontext
@_unreachable_is_a_message
@click.argument("article_ids", nargs=-1, required=True)
def delete_command(article_ids: tuple[str, ...]) -> None:
    """Remove articles (a retraction, a legal takedown) from the live alias.
    Exit 1 when an id is not in the index."""
    from service.es import get_es, get_settings
    from service.indexing.report import say
    from service.indexing.writes import delete_articles

    found = delete_articles(get_es(), get_settings().es_index, article_ids)
    for article_id, documents in found.items():
        say(f"deleted {article_id}" if documents else f"not found: {article_id}")
    sys.exit(0 if all(found.values()) else 1)


@click.command("reindex")
@with_appcontext
@_unreachable_is_a_message
@paths_argument
@undated_option
@click.option("--sample", is_flag=True, help="Include the bundled sample article.")
@click.option("--keep", default=0, show_default=True, help="Old indices to keep after the swap.")
@click.option("--chunk-size", default=500, show_default=True, help="Documents per bulk request.")
@workers_option
def reindex_command(
    paths: tuple[Path, ...], allow_undated: bool, sample: bool, keep: int, chunk_size: int, workers: int
) -> None:
    """Rebuild the index from PATHS into a new index and swap the alias to it atomically.

    With --workers N, N processes parse and extract entities while this one sends bulk requests
    (service/indexing/pipeline.py): faster on a machine with cores to spare, same documents."""
    from service.es import get_es, get_settings
    from service.indexing.loader import Files
    from service.indexing.reindex import ReindexError, ReindexStopped, reindex
    from service.indexing.report import Report, loaded, say, stopped

    targets = _targets(paths, sample, "give PATHS to load, or --sample")
    alias, report = get_settings().es_index, Report("reindexing")
    source = Files(targets, workers=workers, allow_undated=allow_undated, report=report)
    try:
        result = reindex(get_es(), alias, source, keep=keep, chunk_size=chunk_size, progress=report.progress)
    except ReindexStopped as exc:
        report.finish(exc.summary)
        stopped(str(exc), exc.summary, f"; reindex abandoned, '{alias}' unchanged")
        sys.exit(2)
    except ReindexError as exc:
        report.finish()
        say(f"reindex failed, '{alias}' unchanged: {exc}")
        sys.exit(2)
    report.finish(result.summary)
    _say_swapped(alias, result)
    loaded(result.summary, result.summary.rejected)
    sys.exit(1 if result.summary.rejected else 0)


def _say_swapped(alias: str, result) -> None:
    """Where the alias went, and what the reindex cleaned up on the way."""
    from service.indexing.report import say

    if result.removed_partial:
        say(f"removed partial indices of an earlier run: {', '.join(result.removed_partial)}")
    say(
        f"'{alias}' now points to {result.index} (was {', '.join(result.previous) or 'nothing'}); "
        f"deleted {', '.join(result.deleted) or 'nothing'}"
    )
    if result.replayed:
        say(f"replayed {result.replayed} articles written or deleted during the reindex")


@click.command("entities")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--extractor",
    type=click.Choice(["model", "gazetteer"]),
    default="model",
    help="Who finds the entities (default: the NER model; the indexer uses ENTITY_EXTRACTOR).",
)
@with_appcontext
def entities_command(paths: tuple[Path, ...], extractor: str) -> None:
    """Print the people, places and organisations of texts as JSON Lines:
    {"id", "entities": [{"start", "end", "type", "text", "entity_id", "name"}]}, offsets into the text
    as given, mentions without their prefix. PATHS (stdin when none) are plain text (one text a file,
    its id the path or "-") or JSON Lines ({"id", "text"} a line, .jsonl or a first line that is an
    object). Exit 1 when a text was refused (each says why on stderr); the others are printed."""
    from dataclasses import replace

    from service.entities.factory import make_extractor
    from service.entities.tagging import read_items, tag
    from service.es import get_settings

    settings = get_settings()
    tagger = make_extractor(replace(settings, entity_extractor=extractor))
    refused = 0
    for item in read_items(paths, click.open_file("-", "rb")):
        if item.error:
            click.echo(f"{item.source}: {item.error}", err=True)
            refused += 1
            continue
        click.echo(json.dumps({"id": item.id, "entities": tag(tagger, item.text)}, ensure_ascii=False))
    sys.exit(1 if refused else 0)


COMMANDS = (ingest_command, index_command, delete_command, reindex_command, entities_command)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
