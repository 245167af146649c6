"""Configuration from the environment, read once by the application factory."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from elasticsearch.serializer import OrjsonSerializer


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def _int(env: dict[str, str], name: str, default: int, low: int = 1) -> int:
    raw = env.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")
    return value


ENTITY_EXTRACTORS = ("model", "gazetteer")  # the first is the default


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower()
    if raw and raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw or choices[0]


@dataclass(frozen=True)
class Settings:
    es_url: str = "http://127.0.0.1:9200"
    es_index: str = "hebrew-news"  # the alias searches go through
    es_username: str = ""
    es_password: str = field(default="", repr=False)
    es_api_key: str = field(default="", repr=False)
    es_ca_certs: str = ""
    # A search that has not answered in 1.5 s will not: the page says so (503) within 2 s.
    es_request_timeout: float = 1.5
    # Who finds the entities when indexing: the NER model (service/entities/model_extractor.py), which
    # finds the people no list knows (person F1 0.75 against 0.58 on NEMO text no list was tuned on),
    # or the gazetteer and its rules alone: twice the indexing rate, for bulk loads (docs/benchmarks.md).
    entity_extractor: str = "model"
    # Searches ask the node's shard request cache for their counts and hits (``request_cache``):
    # the home page and popular queries repeat, and the node drops the entries at each refresh
    # that changed the index, so a cached answer is never stale. Off (SEARCH_REQUEST_CACHE=0) for
    # benchmarks that time a query's own cost.
    request_cache: bool = True
    # The most articles one CSV / JSON Lines export of a search holds (service/follow.py): enough for
    # a story's research, bounded so that one click cannot read a whole corpus (~1 kB an article).
    export_max_articles: int = 10_000

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            es_url=env.get("ES_URL") or cls.es_url,
            es_index=env.get("ES_INDEX") or cls.es_index,
            es_username=env.get("ES_USERNAME", ""),
            es_password=env.get("ES_PASSWORD", ""),
            es_api_key=env.get("ES_API_KEY", ""),
            es_ca_certs=env.get("ES_CA_CERTS", ""),
            es_request_timeout=_float(env, "ES_REQUEST_TIMEOUT", cls.es_request_timeout),
            entity_extractor=_choice(env, "ENTITY_EXTRACTOR", ENTITY_EXTRACTORS),
            request_cache=_choice(env, "SEARCH_REQUEST_CACHE", ("1", "0")) == "1",
            export_max_articles=_int(env, "EXPORT_MAX_ARTICLES", cls.export_max_articles),
        )

    @property
    def public_es_url(self) -> str:
        """ES_URL without any user:password part, for messages and logs."""
        from urllib.parse import urlsplit, urlunsplit

        public = []
        for url in self.es_url.split(","):
            parts = urlsplit(url.strip())
            host = parts.hostname or ""
            if parts.port:
                host = f"{host}:{parts.port}"
            public.append(urlunsplit(parts._replace(netloc=host)))
        return ",".join(public)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``elasticsearch.Elasticsearch``; secrets only when given."""
        hosts = [u.strip() for u in self.es_url.split(",") if u.strip()]
        options: dict[str, Any] = {
            # ES_URL may list several nodes, comma-separated: a request that fails on one is
            # retried on the next.
            "hosts": hosts,
            "request_timeout": self.es_request_timeout,
            # A refused connection fails fast and is retried once. A timeout is retried only when
            # there is another node to try: against a single node it would only double the wait.
            "max_retries": 1,
            "retry_on_timeout": len(hosts) > 1,
            # orjson encodes bulk bodies and decodes responses faster than the standard library
            # (bench/bench_index.py's "JSON encode" stage times it; docs/benchmarks.md).
            "serializer": OrjsonSerializer(),
        }
        if self.es_api_key:
            options["api_key"] = self.es_api_key
        elif self.es_username:
            options["basic_auth"] = (self.es_username, self.es_password)
        if self.es_ca_certs:
            options["ca_certs"] = self.es_ca_certs
        return options
