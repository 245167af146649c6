"""deploy/gunicorn.conf.py's worker hook: each worker loads the did-you-mean names before it serves."""

from __future__ import annotations

import runpy
from types import SimpleNamespace

from service import create_app
from service.config import Settings
from tests.project import ROOT


def test_a_worker_loads_the_name_variants_and_aliases_before_its_first_request():
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    app = create_app(Settings(es_url="http://127.0.0.1:9"))
    names, aliases = app.extensions["name_variants"], app.extensions["suggest_aliases"]
    assert names._value is None and aliases._value is None  # lazy: nothing loaded by the factory
    conf["post_worker_init"](SimpleNamespace(wsgi=app))
    assert names._value is not None and aliases._value is not None
    assert names.variant("Putin") == "פוטין"
    assert aliases.ids("put")  # the gazetteer's English name of Putin
