"""What the write commands print on stderr: rejections and warnings as they come, a progress bar
on a terminal, and the closing summaries, worded once for ``flask ingest|index|reindex``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator

import click

from service.indexing.bulk import IndexSummary
from service.ingest.sources import Rejection
from service.model import Article


def progress_bar(label: str) -> Callable[[int], None] | None:
    """A tqdm bar on a terminal; nothing when stderr is not one (CI, logs)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=label, unit=" docs", file=sys.stderr)

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update


def say(line: str) -> None:
    click.echo(line, err=True)


class Report:
    """Reports one run; ``label`` names its progress bar (shown on a terminal only)."""

    def __init__(self, label: str = "") -> None:
        self.progress = progress_bar(label) if label else None
        self.read = 0
        self.rejected = 0

    def rejection(self, rejection: Rejection) -> None:
        say(f"rejected {rejection}")

    def warning(self, origin: str, warning: str) -> None:
        say(f"warning {origin}: {warning}")

    def articles(self, items: Iterable[Article | Rejection]) -> Iterator[Article]:
        """Pass articles on; report (and count) rejections and warnings as they come."""
        for item in items:
            self.read += 1
            if isinstance(item, Rejection):
                self.rejected += 1
                self.rejection(item)
                continue
            for warning in item.warnings:
                self.warning(item.origin, warning)
            yield item


def loaded(summary: IndexSummary, rejected: int) -> None:
    say(
        f"read {summary.read}, indexed {summary.articles} articles ({summary.documents} documents), "
        f"rejected {rejected}, {summary.seconds:.2f}s"
    )


def stopped(reason: str, summary: IndexSummary, alias_note: str = "") -> None:
    """The node stopped taking writes: why, and what was stored, in a few lines."""
    say(f"stopped: Elasticsearch refuses writes ({reason}){alias_note}")
    say(
        f"read {summary.read}, stored {summary.stored_articles} articles completely "
        f"({summary.documents} documents) before the stop, not stored: the rest "
        f"({len(summary.failed)} documents refused); rejected {summary.rejected}, "
        f"{summary.seconds:.2f}s"
    )
