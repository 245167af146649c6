"""Hebrew news search: a Flask application factory with ``api`` and ``web`` blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.config import Settings


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the application; nothing connects to Elasticsearch until a request needs it."""
    from service import api, cli, errors, es, follow, web
    from service.entities.gazetteer import load_gazetteer
    from service.headers import add_security_headers
    from service.search.dates import DateExtent
    from service.search.lazy import Lazy
    from service.search.name_variants import LazyNameVariants
    from service.search.suggest import LazyAliases

    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config.update(JSON_AS_ASCII=False, **overrides)
    app.json.ensure_ascii = False  # Hebrew stays readable in API responses
    es.init_app(app, settings)
    app.extensions["date_extent"] = DateExtent()
    gazetteer = Lazy(load_gazetteer)  # loaded once, on first use, for both of these
    app.extensions["name_variants"] = LazyNameVariants(gazetteer.get)  # did-you-mean
    app.extensions["suggest_aliases"] = LazyAliases(gazetteer.get)  # autocomplete's other names
    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(follow.bp)  # feeds and exports of a search
    errors.register(app)
    cli.register(app)
    app.after_request(add_security_headers)
    return app
