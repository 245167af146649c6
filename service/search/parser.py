"""Request arguments → a validated search request. Every bad parameter becomes a clear 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from service.normalize import normalize

MAX_QUERY_LENGTH = 500
MAX_SIZE = 50
MAX_PAGE = 500
KINDS = ("title", "lead", "body", "caption")
ENTITY_FILTERS = ("person", "place", "organisation", "credit")
MAX_FILTER_VALUES = 20


class InvalidRequest(ValueError):
    """A parameter the caller can fix; the message says which and why."""


@dataclass(frozen=True)
class SearchRequest:
    q: str  # normalised query text
    page: int = 1
    size: int = 10
    kinds: tuple[str, ...] = ()
    # Entity ids by type: OR within a type, AND across types.
    entities: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"'{name}' must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise InvalidRequest(f"'{name}' must be between {low} and {high}, got {value}")
    return value


def parse_search_args(args: MultiDict[str, str]) -> SearchRequest:
    """Validate query-string arguments (Flask's ``request.args``)."""
    raw_q = args.get("q", "") or ""
    if len(raw_q) > MAX_QUERY_LENGTH:
        raise InvalidRequest(f"'q' is longer than {MAX_QUERY_LENGTH} characters")
    kinds = [k for k in args.getlist("kind") if k]
    for kind in kinds:
        if kind not in KINDS:
            raise InvalidRequest(f"'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    entities = []
    for entity_type in ENTITY_FILTERS:
        ids = tuple(dict.fromkeys(v.strip() for v in args.getlist(entity_type) if v.strip()))
        if len(ids) > MAX_FILTER_VALUES:
            raise InvalidRequest(f"at most {MAX_FILTER_VALUES} values of '{entity_type}'")
        for entity_id in ids:
            if not entity_id.startswith(f"{entity_type}:") or len(entity_id) > 200:
                raise InvalidRequest(
                    f"'{entity_type}' takes {entity_type} ids such as '{entity_type}:...', got {entity_id!r}"
                )
        if ids:
            entities.append((entity_type, ids))
    return SearchRequest(
        q=normalize(raw_q),
        page=_int(args, "page", 1, 1, MAX_PAGE),
        size=_int(args, "size", 10, 1, MAX_SIZE),
        kinds=tuple(dict.fromkeys(kinds)),
        entities=tuple(entities),
    )
