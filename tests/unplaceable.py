"""Indices whose shard cannot start, on the shared test node: an index template for the test's own
names requires a node that does not exist (as a disk over its watermark leaves a new shard unassigned).

A killed test run (a mutation run's time bound, Ctrl-C) would leave the template and a red index
behind, and a red cluster fails every health check after it: the session drops those left over
from runs that ended at least ten minutes ago (a run in progress elsewhere keeps its own)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import Elasticsearch

MADE_BY = "tests/unplaceable.py"
STALE_SECONDS = 600


@contextmanager
def unplaceable(es: Elasticsearch, pattern: str) -> Iterator[str]:
    """Indices matching ``pattern`` made inside the block get no shard; the template's name."""
    name = f"{pattern.rstrip('*-')}-nowhere"
    es.indices.put_index_template(
        name=name,
        index_patterns=[pattern],
        priority=1000,
        template={"settings": {"index.routing.allocation.require._name": "no-such-node"}},
        meta={"made_by": MADE_BY, "created": time.time()},
    )
    try:
        yield name
    finally:
        es.indices.delete_index_template(name=name)


def drop_stale(es: Elasticsearch) -> list[str]:
    """Delete the templates (and the indices they made) that a killed run left; their names."""
    found = es.options(ignore_status=404).indices.get_index_template(name="*-nowhere")
    dropped = []
    for template in found.get("index_templates", []):
        meta = template["index_template"].get("_meta") or {}
        if meta.get("made_by") != MADE_BY or time.time() - meta.get("created", 0) < STALE_SECONDS:
            continue
        for pattern in template["index_template"]["index_patterns"]:
            es.indices.delete(
                index=pattern, ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all"
            )
        es.indices.delete_index_template(name=template["name"])
        dropped.append(template["name"])
    return dropped
