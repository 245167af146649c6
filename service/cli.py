"""Command-line entry points: ``flask --app service ingest|index PATH...``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
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
    @paths_argument
    @undated_option
    @click.option("--sample", is_flag=True, help="Index the bundled sample article.")
    def index_command(paths: tuple[Path, ...], sample: bool, allow_undated: bool) -> None:
        """Parse and index articles into the live alias (creating it when absent)."""
        from service import get_es, get_settings
        from service.es import ensure_alias
        from service.indexer import index_articles
        from service.ingest.sources import read_paths

        targets = list(paths) + ([SAMPLE_DIR] if sample else [])
        if not targets:
            raise click.UsageError("give PATHS to index, or --sample")
        es = get_es()
        alias = get_settings().es_index
        ensure_alias(es, alias)
        counts = {"read": 0, "rejected": 0}
        summary = index_articles(
            es, alias, _reported(read_paths(targets, allow_undated=allow_undated), counts)
        )
        for failure in summary.failed:
            click.echo(f"rejected by Elasticsearch {failure}", err=True)
        rejected = counts["rejected"] + len(summary.failed)
        click.echo(
            f"read {counts['read']}, indexed {summary.articles} articles ({summary.documents} documents), "
            f"rejected {rejected}, {summary.seconds:.2f}s",
            err=True,
        )
        sys.exit(1 if rejected else 0)
