"""Command-line entry points: ``flask --app service <command>``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "samples"


def register(app: Flask) -> None:
    @app.cli.command("index")
    @click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
    @click.option("--sample", is_flag=True, help="Index the bundled sample article.")
    def index_command(paths: tuple[Path, ...], sample: bool) -> None:
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
        summary = index_articles(es, alias, read_paths(targets))
        for rejection in summary.rejected:
            where = f"{rejection.path}:{rejection.line}" if rejection.line else rejection.path
            click.echo(f"rejected {where}: {rejection.reason}", err=True)
        click.echo(summary.line(), err=True)
        if summary.rejected:
            sys.exit(1)
