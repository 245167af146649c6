"""The server-rendered Hebrew search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service import get_es, get_settings
from service.search.parser import parse_search_args
from service.searching import run_search

bp = Blueprint("web", __name__)


@bp.get("/")
def search_page():
    req = parse_search_args(request.args)
    result = run_search(get_es(), get_settings().es_index, req)
    return render_template("search.html", result=result, q=request.args.get("q", ""), error=None)
