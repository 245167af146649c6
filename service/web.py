"""The server-rendered Hebrew search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service import search_articles
from service.search.parser import parse_search_args

bp = Blueprint("web", __name__)


@bp.get("/")
def search_page():
    req = parse_search_args(request.args)
    result = search_articles(req)
    return render_template("search.html", result=result, q=request.args.get("q", ""), error=None)
