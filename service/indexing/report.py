"""What the write commands print on stderr: rejections and warnings as they come, a progress bar
on a terminal, and the closing summaries, worded once for ``flask ingest|index|reindex``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

import click

from service.indexing.bulk import IndexSummary
from service.ingest.sources import Rejection
from service.model import Article


class ProgressBar:
    """A tqdm bar of documents sent, called with the count so far (``bulk_load``'s ``on_batch``,
    every chunk); ``close`` shows the final count and ends the bar's line, before the summary."""

    def __init__(self, label: str, stream: TextIO) -> None:
        from tqdm import tqdm

        self.bar = tqdm(desc=label, unit=" docs", file=stream)

    def __call__(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def write(self, line: str) -> None:
        """A line above the bar, not over it."""
        self.bar.write(line, file=self.bar.fp)

    def close(self, done: int | None = None) -> None:
        if done is not None and done > self.bar.n:
            self(done)
        self.bar.close()


def progress_bar(label: str, stream: TextIO | None = None) -> ProgressBar | None:
    """A bar on a terminal; nothing when ``stream`` (stderr) is not one (CI, logs)."""
    stream = stream or sys.stderr
    return ProgressBar(label, stream) if stream.isatty() else None


def say(line: str) -> None:
    click.echo(line, err=True)


class Report:
    """Reports one run; ``label`` names its progress bar (shown on a terminal only)."""

    def __init__(self, label: str = "") -> None:
        self.progress = progress_bar(label) if label else None
        self.read = 0
        self.rejected = 0

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress.write(line)
        else:
            say(line)

    def rejection(self, rejection: Rejection) -> None:
        self.say(f"rejected {rejection}")

    def warning(self, origin: str, warning: str) -> None:
        self.say(f"warning {origin}: {warning}")

    def finish(self, summary: IndexSummary | None = None) -> None:
        """The bar (if any) at the final count of documents sent, and closed, so that the lines
        after it (the summary) start on a line of their own."""
        if self.progress is not None:
            self.progress.close(summary.documents + len(summary.failed) if summary else None)
            self.progress = None

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
