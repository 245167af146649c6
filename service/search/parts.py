"""A part as the read side shows it: the fields fetched and their shape, shared by the search's
snippets (inner hits) and the article view (the article's ``parts``)."""

from __future__ import annotations

from typing import Any

from service.model import part_id

PART_FIELDS = [
    "kind",
    "position",
    "display_heading",
    "display_text",
    "credit",
    "credit_people",
    "credit_agencies",
    "part_entity_ids",
]


def part_view(article_id: str, src: dict[str, Any]) -> dict[str, Any]:
    """A part of an article (its PART_FIELDS, from the article's ``parts`` or an inner hit) → the
    API's part."""
    return {
        "id": part_id(article_id, src.get("position", 0)),
        "kind": src.get("kind"),
        "position": src.get("position"),
        "heading": src.get("display_heading"),
        "text": src.get("display_text") or "",
        "credit": src.get("credit"),
        "credit_people": src.get("credit_people", []),
        "credit_agencies": src.get("credit_agencies", []),
        "entity_ids": src.get("part_entity_ids", []),
    }
