"""Which entity extractor the indexer and ``flask entities`` use: ``ENTITY_EXTRACTOR`` picks it.

One place builds it, so that the indexer (inline and in its worker processes) and the command
always agree; ``gazetteer`` keeps the rule-based extractor available for comparison and fallback.
"""

from __future__ import annotations

from service.config import Settings
from service.entities.extractor import GazetteerExtractor
from service.entities.model_extractor import ModelExtractor


def make_extractor(settings: Settings | None = None) -> GazetteerExtractor | ModelExtractor:
    """The extractor ``settings.entity_extractor`` names (from the environment when not given)."""
    kind = (settings or Settings.from_env()).entity_extractor
    if kind == "gazetteer":
        return GazetteerExtractor()
    return ModelExtractor()
