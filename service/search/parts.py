"""A part as the read side shows it: the fields fetched and their shape, shared by the search's
snippets and the article view."""

from __future__ import annotations

from typing import Any

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


def part_view(hit: dict[str, Any]) -> dict[str, Any]:
    """A part hit (``_source`` limited to PART_FIELDS) → the API's part."""
    src = hit["_source"]
    return {
        "id": hit["_id"],
        "kind": src.get("kind"),
        "position": src.get("position"),
        "heading": src.get("display_heading"),
        "text": src.get("display_text") or "",
        "credit": src.get("credit"),
        "credit_people": src.get("credit_people", []),
        "credit_agencies": src.get("credit_agencies", []),
        "entity_ids": src.get("part_entity_ids", []),
    }
