"""Rebuild the search index with zero downtime: `python scripts/reindex.py PATH... [--keep 1]`.

The same as `flask --app service reindex`; configuration comes from the environment (ES_URL,
ES_INDEX, credentials). See service/indexing/reindex.py for how the swap and the clean-up work.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.cli import ScriptInfo

from service import create_app

if __name__ == "__main__":
    app = create_app()
    app.cli.main(
        args=["reindex", *sys.argv[1:]], prog_name="reindex.py", obj=ScriptInfo(create_app=lambda: app)
    )
