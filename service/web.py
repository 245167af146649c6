"""The server-rendered Hebrew search pages: search, article and entity. They call the same search
code as the API (not the API over HTTP), work without JavaScript, and keep all state in the URL."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from babel.dates import format_date
from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from service.es import get_es, get_settings, search_context
from service.model import ENTITY_TYPES
from service.page_state import new_search_redirect, parse_forgivingly
from service.search.article import get_article
from service.search.date_labels import bar_name, bucket_label, preset_ranges
from service.search.dates import latest_date
from service.search.entity import entity_names, entity_profile
from service.search.facets import DATE_FACET
from service.search.parser import SORTS, parse_search_args
from service.search.query import starts_relaxed, strict_form
from service.search.searching import run_search

bp = Blueprint("web", __name__)

TYPE_LABELS = {"person": "אנשים", "place": "מקומות", "organisation": "ארגונים", "credit": "קרדיט צילום"}
TYPE_SINGULAR = {"person": "אדם", "place": "מקום", "organisation": "ארגון", "credit": "קרדיט צילום"}
KIND_LABELS = {"title": "כותרת", "lead": "כותרת משנה", "body": "גוף הכתבה", "caption": "כיתוב תמונה"}
SORT_LABELS = {"relevance": "רלוונטיות", "newest": "החדשות ביותר", "oldest": "הישנות ביותר"}
STATE_KEYS = ("q", *ENTITY_TYPES, "source", "author", "similar", "from", "to", "kind", "sort", "size")


def current_args() -> list[tuple[str, str]]:
    """The search state of this request, in a stable order, without the page: the arguments the
    page searched with (``g.search_args``: refused values dropped), else the request's."""
    args = g.get("search_args", request.args)
    return [(k, v) for k in STATE_KEYS for v in args.getlist(k) if v]


def search_url(args: list[tuple[str, str]]) -> str:
    query = urlencode(args)
    return url_for("web.search_page") + (f"?{query}" if query else "")


def url_with(
    *,
    drop: tuple[tuple[str, str], ...] = (),
    add: tuple[tuple[str, str], ...] = (),
    replace: dict[str, str | None] | None = None,
) -> str:
    """The search URL with some values removed, added or replaced (page back to 1 unless given)."""
    replace = replace or {}
    args = [(k, v) for k, v in current_args() if (k, v) not in drop and k not in replace]
    args += [pair for pair in add if pair not in args]
    args += [(k, v) for k, v in replace.items() if v]
    return search_url(args)


def hebrew_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        day = datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return value
    return format_date(day, format="long", locale="he")


def bar_link(bar: dict) -> str:
    """A histogram bar narrows the current search to its dates."""
    return url_with(replace={"from": bar["from"], "to": bar["to"]})


def entity_bar_link(entity: dict):
    """On an entity's page a bar links to the search for that entity over the bar's dates."""

    def link(bar: dict) -> str:
        return url_for(
            "web.search_page", **{entity["type"]: entity["id"], "from": bar["from"], "to": bar["to"]}
        )

    return link


@bp.app_context_processor
def helpers():
    return {
        "entity_bar_link": entity_bar_link,
        "url_with": url_with,
        "bar_link": bar_link,
        "hebrew_date": hebrew_date,
        "TYPE_LABELS": TYPE_LABELS,
        "TYPE_SINGULAR": TYPE_SINGULAR,
        "KIND_LABELS": KIND_LABELS,
        "SORT_LABELS": SORT_LABELS,
        "SORTS": SORTS,
        "STATE_KEYS": STATE_KEYS,
        "ENTITY_TYPES": ENTITY_TYPES,
    }


def histogram_bars(dates: dict) -> list[dict]:
    """Bars of the date histogram, labelled as fine as their interval, each with its spoken name."""
    bars = DATE_FACET.bars(dates, label=bucket_label)
    for bar in bars:
        bar["name"] = bar_name(bar)
    return bars


@bp.app_template_global()
def date_presets() -> list[dict]:
    """The date presets' links (the last day, week, month, year, and every date), each marked
    ``current`` when it is the range searched."""
    state = dict(current_args())
    chosen = (state.get("from"), state.get("to"))
    presets = [
        {"label": label, "from": start.isoformat(), "to": end.isoformat()}
        for label, start, end in preset_ranges(latest_date())
    ]
    presets.append({"label": "כל התאריכים", "from": None, "to": None})
    return [
        {
            "label": p["label"],
            "url": url_with(replace={"from": p["from"], "to": p["to"]}),
            "current": chosen == (p["from"], p["to"]),
        }
        for p in presets
    ]


def name_unnamed(facets: dict[str, list[dict]]) -> None:
    """Selected values that match nothing under the other filters come back without a name; look
    their names up, so that a chip never shows a raw id."""
    unnamed = [v for values in facets.values() for v in values if v.get("selected") and not v.get("name")]
    if unnamed:
        names = entity_names(get_es(), get_settings().es_index, [v["id"] for v in unnamed])
        for v in unnamed:
            v["name"] = names.get(v["id"]) or v["id"].split(":", 1)[-1].replace("-", " ")


@bp.get("/")
def search_page():
    fresh = new_search_redirect(request.args)
    if fresh is not None:
        return redirect(search_url(list(fresh.items(multi=True))), 303)
    state = parse_forgivingly(request.args, parse_search_args)
    g.search_args = state.args
    req = state.request
    result = run_search(get_es(), get_settings().es_index, req, *search_context())
    name_unnamed(result["facets"])
    pages = max(1, -(-result["groups"] // req.size))
    page = render_template(
        "search.html",
        result=result,
        req=req,
        args=state.args,
        typed_q=request.args.get("q", ""),
        field_errors=state.errors,
        error=None,
        pages=pages,
        past_the_end=bool(result["total"]) and req.page > pages,
        # With no words the list is newest first whatever "relevance" says: the menu says so too.
        shown_sort="newest" if req.query.empty and req.sort == "relevance" else req.sort,
        bars=histogram_bars(result["dates"]),
        # A relaxed answer says why, and links a question to its strict keyword search.
        fell_back=result["relaxed"] and not starts_relaxed(req.query),
        strict_q=strict_form(req.query) if result["relaxed"] else None,
    )
    # A refused parameter is still a bad request (400), though the page shows what it could.
    return (page, 400) if state.errors else page


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    article = get_article(get_es(), get_settings().es_index, article_id)
    if article is None:
        abort(404)
    by_type: dict[str, list[dict]] = {t: [] for t in ENTITY_TYPES}
    for entity in article["entities"]:
        by_type.setdefault(entity["type"], []).append(entity)
    return render_template("article.html", article=article, entities=by_type)


@bp.get("/entities/<path:entity_id>")
def entity_page(entity_id: str):
    profile = entity_profile(get_es(), get_settings().es_index, entity_id)
    if profile is None:
        abort(404)
    return render_template("entity.html", entity=profile, bars=histogram_bars(profile["timeline"]))
