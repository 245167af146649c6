"""Hebrew news search: a Flask application factory with ``api`` and ``web`` blueprints."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from flask import Flask, current_app

from service.config import Settings


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the application; nothing connects to Elasticsearch until a request needs it."""
    from service import api, cli, errors, web
    from service.es import make_client
    from service.searching import DateExtent

    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config.update(SETTINGS=settings, JSON_AS_ASCII=False, **overrides)
    app.json.ensure_ascii = False  # Hebrew stays readable in API responses
    app.extensions["elasticsearch"] = make_client(settings)
    app.extensions["date_extent"] = DateExtent()
    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    errors.register(app)
    cli.register(app)
    app.after_request(_security_headers)
    return app


# No inline script or style anywhere: the page's script and stylesheet are files under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def get_es() -> Elasticsearch:
    return current_app.extensions["elasticsearch"]


def get_settings() -> Settings:
    return current_app.config["SETTINGS"]


def search_articles(req):
    """Run a validated search against the configured alias (shared by the API and the page)."""
    from service.searching import run_search

    return run_search(get_es(), get_settings().es_index, req, current_app.extensions["date_extent"])
