"""Request arguments → a validated ``SearchRequest``. Every bad parameter becomes a clear 400.

The query language is deliberately small and built by hand (never ``query_string``, whose syntax
is an injection surface): words, "quoted phrases" (exact forms) and -exclusions (-word, -"a phrase").
A quoted single word is an exact form too ("טיל" does not find טילי, which טיל finds by its lemma).
A double quote between two letters is a gershayim (צה"ל), not a phrase mark. A hyphenated word
(אל-קאעידה, S-400) is one word made of pieces (``ParsedQuery.compounds``); a prefix before a hyphen
(ב-CNN) is dropped (service/search/compounds.py).
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES
from service.normalize import normalize
from service.search.compounds import pieces
from service.search.facets import DATE_FACET, ENTITY_FACETS
from service.search.keyword_facets import KEYWORD_FACETS
from service.search.request import InvalidRequest, ParsedQuery, SearchRequest, int_arg
from service.search.stopwords import QUESTION_WORDS

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
MAX_SIZE = 50
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window
KINDS = ("title", "lead", "body", "caption")
KIND_GROUPS = {"section": ("title", "lead", "body"), "caption": ("caption",)}
KIND_VALUES = tuple(dict.fromkeys([*KIND_GROUPS, *KINDS]))  # what ``kind`` takes, each once
SORTS = ("relevance", "newest", "oldest")


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def parse_query(q: str) -> ParsedQuery:
    """Split normalised query text into words, hyphenated words, phrases and exclusions."""
    # Protect gershayim: a quote between two letters belongs to the word.
    protected = re.sub(r'(?<=\w)"(?=\w)', "\x00", q)
    words: list[str] = []
    compounds: list[tuple[str, ...]] = []
    phrases: list[str] = []
    excluded: list[str] = []
    first = ""
    for m in _TOKEN.finditer(protected):
        if m.group(2) is not None:
            text = " ".join(m.group(2).replace("\x00", '"').split())
            if not text:
                continue
            (excluded if m.group(1) else phrases).append(text)
        else:
            text = m.group(4).replace("\x00", '"').strip("'\".,;:!?()[]{}")
            if not text or not any(c.isalnum() for c in text):
                continue
            parts = pieces(text)
            if m.group(3):
                # An excluded hyphenated word is the phrase of its pieces (never each piece alone).
                excluded.append(" ".join(parts))
                continue
            if len(parts) > 1:
                compounds.append(parts)
            else:
                words.append(parts[0])
            first = first or parts[0]
    if len(words) + len(compounds) + len(phrases) + len(excluded) > MAX_TERMS:
        raise InvalidRequest(f"'q' has more than {MAX_TERMS} words and phrases")
    question = q.rstrip().endswith("?") or first in QUESTION_WORDS
    return ParsedQuery(
        tuple(dict.fromkeys(words)),
        tuple(dict.fromkeys(phrases)),
        tuple(dict.fromkeys(excluded)),
        question,
        tuple(dict.fromkeys(compounds)),
    )


def _kinds(args: MultiDict[str, str]) -> tuple[str, ...]:
    kinds: list[str] = []
    for value in (v.strip() for v in args.getlist("kind") if v.strip()):
        if value in KIND_GROUPS:
            kinds.extend(KIND_GROUPS[value])
        elif value in KINDS:
            kinds.append(value)
        else:
            raise InvalidRequest(f"'kind' must be one of {', '.join(KIND_VALUES)}, got {value[:40]!r}")
    return tuple(dict.fromkeys(kinds))


def _entities(args: MultiDict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    selected = ((t, ENTITY_FACETS[t].parse(args)) for t in ENTITY_TYPES)
    return tuple((t, ids) for t, ids in selected if ids)


def _keywords(args: MultiDict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    selected = ((t, facet.parse(args)) for t, facet in KEYWORD_FACETS.items())
    return tuple((t, values) for t, values in selected if values)


SIMILAR_PATTERN = r"[A-Za-z0-9_.:-]{1,200}"  # a dup_key: [th]:<hex>, or an article id
_SIMILAR = re.compile(SIMILAR_PATTERN)


def _similar(args: MultiDict[str, str]) -> str | None:
    """One group of near-duplicate articles (``dup_key``), as a result's "N similar" links it."""
    raw = (args.get("similar") or "").strip()
    if raw and not _SIMILAR.fullmatch(raw):
        raise InvalidRequest(f"'similar' must be a group key as a result links it, got {raw[:40]!r}")
    return raw or None


def parse_search_args(args: MultiDict[str, str]) -> SearchRequest:
    """Validate query-string arguments (Flask's ``request.args``)."""
    raw_q = args.get("q", "") or ""
    if len(raw_q) > MAX_QUERY_LENGTH:
        raise InvalidRequest(f"'q' is longer than {MAX_QUERY_LENGTH} characters")
    q = normalize(raw_q)
    size = int_arg(args, "size", 10, 1, MAX_SIZE)
    page = int_arg(args, "page", 1, 1, MAX_RESULT_WINDOW)
    if page * size > MAX_RESULT_WINDOW:
        raise InvalidRequest(f"'page' goes beyond the first {MAX_RESULT_WINDOW} results; narrow the search")
    date_from, date_to = DATE_FACET.parse(args)
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise InvalidRequest(f"'sort' must be one of {', '.join(SORTS)}, got {sort[:40]!r}")
    return SearchRequest(
        q=q,
        query=parse_query(q),
        page=page,
        size=size,
        kinds=_kinds(args),
        entities=_entities(args),
        keywords=_keywords(args),
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        similar=_similar(args),
    )
