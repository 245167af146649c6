"""Request arguments → a validated ``SearchRequest``. Every bad parameter becomes a clear 400.

The query language is deliberately small and built by hand (never ``query_string``, whose syntax
is an injection surface): words, "quoted phrases" (exact forms) and -exclusions (-word, -"a phrase").
A double quote between two letters is a gershayim (צה"ל), not a phrase mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict

from service.model import EARLIEST_PUBLISHED, latest_published
from service.normalize import normalize
from service.search.stopwords import QUESTION_WORDS

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
MAX_SIZE = 50
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window
KINDS = ("title", "lead", "body", "caption")
KIND_GROUPS = {"section": ("title", "lead", "body"), "caption": ("caption",)}
ENTITY_TYPES = ("person", "place", "organisation", "credit")
MAX_FILTER_VALUES = 20
SORTS = ("relevance", "newest", "oldest")
# The sane publication dates (issue 12), defined once in service.model: what ingest accepts, what a
# query may ask for, and what the date histogram and extents consider. Anything else in the index
# (an old index, another writer) is left out of them rather than breaking every search.
EARLIEST_DATE = EARLIEST_PUBLISHED


def latest_date() -> date:
    """The last day a query may name: ingest's latest publication time (now plus a day), in UTC."""
    return latest_published().date()


def sane_date_range() -> dict[str, dict[str, str]]:
    """A ``range`` query on ``published_at`` that keeps only sane dates."""
    return {
        "range": {
            "published_at": {
                "gte": EARLIEST_DATE.isoformat(),
                "lte": f"{latest_date().isoformat()}||/d",  # to the end of that day
                "format": "strict_date",
            }
        }
    }


class InvalidRequest(ValueError):
    """A parameter the caller can fix; the message says which and why."""


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words or phrases
    question: bool = False  # phrased as a question ("מי הוא מנכ"ל החברה?"), not as keywords

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""  # the normalised query text, as typed
    query: ParsedQuery = field(default_factory=ParsedQuery)
    page: int = 1
    size: int = 10
    kinds: tuple[str, ...] = ()
    # Entity ids by type: OR within a type, AND across types.
    entities: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def selected(self, entity_type: str) -> tuple[str, ...]:
        return next((ids for t, ids in self.entities if t == entity_type), ())


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def parse_query(q: str) -> ParsedQuery:
    """Split normalised query text into words, phrases and exclusions."""
    # Protect gershayim: a quote between two letters belongs to the word.
    protected = re.sub(r'(?<=\w)"(?=\w)', "\x00", q)
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for m in _TOKEN.finditer(protected):
        if m.group(2) is not None:
            text = " ".join(m.group(2).replace("\x00", '"').split())
            if not text:
                continue
            (excluded if m.group(1) else (phrases if " " in text else words)).append(text)
        else:
            text = m.group(4).replace("\x00", '"').strip("'\".,;:!?()[]{}")
            if not text or not any(c.isalnum() for c in text):
                continue
            if m.group(3) and len(text) > 0:
                excluded.append(text)
            else:
                words.append(text.lstrip("-") or text)
    if len(words) + len(phrases) + len(excluded) > MAX_TERMS:
        raise InvalidRequest(f"'q' has more than {MAX_TERMS} words and phrases")
    question = q.rstrip().endswith("?") or bool(words and words[0] in QUESTION_WORDS)
    return ParsedQuery(
        tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(excluded)), question
    )


_ASCII_INT = re.compile(r"-?[0-9]{1,12}")


def int_arg(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole number in ASCII digits: str.isdigit() and int() also take '²', '٣', '１' and '1_0',
    which either crashed (int('²')) or slipped through as other numbers."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not _ASCII_INT.fullmatch(raw):
        raise InvalidRequest(f"'{name}' must be a whole number (digits 0-9), got {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidRequest(f"'{name}' must be between {low} and {high}, got {value}")
    return value


def _date(args: MultiDict[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw[:10]) else None
    except ValueError:
        value = None
    if value is None or len(raw) != 10:
        raise InvalidRequest(f"'{name}' must be a date as YYYY-MM-DD, got {raw[:40]!r}")
    if not EARLIEST_DATE <= value <= latest_date():
        raise InvalidRequest(f"'{name}' must be between {EARLIEST_DATE} and {latest_date()}, got {raw}")
    return value


def _kinds(args: MultiDict[str, str]) -> tuple[str, ...]:
    kinds: list[str] = []
    for value in (v.strip() for v in args.getlist("kind") if v.strip()):
        if value in KIND_GROUPS:
            kinds.extend(KIND_GROUPS[value])
        elif value in KINDS:
            kinds.append(value)
        else:
            allowed = ", ".join([*KIND_GROUPS, *KINDS])
            raise InvalidRequest(f"'kind' must be one of {allowed}, got {value[:40]!r}")
    return tuple(dict.fromkeys(kinds))


def _entities(args: MultiDict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    entities = []
    for entity_type in ENTITY_TYPES:
        ids = tuple(dict.fromkeys(v.strip() for v in args.getlist(entity_type) if v.strip()))
        if len(ids) > MAX_FILTER_VALUES:
            raise InvalidRequest(f"at most {MAX_FILTER_VALUES} values of '{entity_type}'")
        for entity_id in ids:
            if not entity_id.startswith(f"{entity_type}:") or len(entity_id) > 200 or "|" in entity_id:
                example = f"{entity_type}:..."
                raise InvalidRequest(f"'{entity_type}' takes ids such as '{example}', got {entity_id[:60]!r}")
        if ids:
            entities.append((entity_type, ids))
    return tuple(entities)


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
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest("'from' is after 'to'")
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
        date_from=date_from,
        date_to=date_to,
        sort=sort,
    )
