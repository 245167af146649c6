"""The Elasticsearch client and the index lifecycle: create a versioned index, point the alias."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from flask import Flask, current_app

from service.config import Settings

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "index_mappings"


def make_client(settings: Settings) -> Elasticsearch:
    """The client, with a circuit breaker in its transport (service/breaker.py) so that a node known
    to be down costs each request nothing instead of a full timeout."""
    from service.breaker import BreakerTransport

    return Elasticsearch(**settings.client_options(), transport_class=BreakerTransport)


def init_app(app: Flask, settings: Settings) -> None:
    """Keep the settings and the client on the application (Flask's ``init_app`` pattern)."""
    app.config["SETTINGS"] = settings
    app.extensions["elasticsearch"] = make_client(settings)


def get_es() -> Elasticsearch:
    """The application's client (one per process, shared by its threads)."""
    return current_app.extensions["elasticsearch"]


def get_settings() -> Settings:
    return current_app.config["SETTINGS"]


def search_context() -> tuple[Any, Any, bool]:
    """What every search of the application shares: the index's date extent (cached), the
    gazetteer's names for did-you-mean (loaded on first use), as ``create_app`` made them, and
    whether to use the node's request cache (``Settings.request_cache``)."""
    extensions = current_app.extensions
    return extensions["date_extent"], extensions["name_variants"], get_settings().request_cache


def load_index_definition(name: str = "articles") -> dict[str, Any]:
    """The settings and mappings of an index, from ``index_mappings/`` (their only source)."""
    with open(MAPPINGS_DIR / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


def mapping_version(definition: dict[str, Any]) -> int:
    return int(definition["mappings"]["_meta"]["version"])


def new_index_name(alias: str, definition: dict[str, Any]) -> str:
    """A fresh, sortable, unique name: ``<alias>-v<mapping version>-<utc time>-<random>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"{alias}-v{mapping_version(definition)}-{stamp}-{secrets.token_hex(3)}"


def create_index(es: Elasticsearch, alias: str, definition: dict[str, Any] | None = None) -> str:
    """Create a new concrete index for ``alias`` (without pointing the alias at it)."""
    es = es.options(request_timeout=60)
    definition = definition or load_index_definition()
    name = new_index_name(alias, definition)
    es.indices.create(index=name, settings=definition["settings"], mappings=definition["mappings"])
    return name


class OutdatedIndex(Exception):
    """The live index was built from another mapping version: this version's documents do not fit."""


def ensure_alias(es: Elasticsearch, alias: str) -> str:
    """Return the index behind ``alias``, creating a first index and the alias when there is none.
    Raises ``OutdatedIndex`` when the index has another mapping version than ``index_mappings/``
    (after an upgrade): writing to it would fail document by document against its strict mapping."""
    if es.indices.exists_alias(name=alias):
        name = next(iter(es.indices.get_alias(name=alias)))
        meta = es.indices.get_mapping(index=name)[name]["mappings"].get("_meta", {})
        wanted = mapping_version(load_index_definition())
        if meta.get("version") != wanted:
            raise OutdatedIndex(
                f"the index behind '{alias}' ({name}) has mapping version {meta.get('version')}, this "
                f"service writes version {wanted}: rebuild it with `flask --app service reindex PATH...` "
                "(zero downtime)"
            )
        return name
    name = create_index(es, alias)
    es.indices.put_alias(index=name, name=alias)
    return name
