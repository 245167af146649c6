"""Regenerate index_mappings/hunspell/he_IL_names.dic from the gazetteer.

Run after editing service/entities/data/*.yaml
(tests/entities/test_index.py::test_committed_names_dictionary_is_current fails while the committed file
is stale), then restart the node: `scripts/elasticsearch.sh stop && ... start`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.entities.hunspell import DIC_PATH, build

if __name__ == "__main__":
    count = build()
    print(f"{count} names written to {DIC_PATH}")
