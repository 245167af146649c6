"""The one search entry point shared by the API and the web page."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import SearchRequest
from service.search.query import build_search
from service.search.result import shape_results


def run_search(es: Elasticsearch, index: str, req: SearchRequest) -> dict[str, Any]:
    response = es.search(index=index, **build_search(req))
    return shape_results(req, response.body)
