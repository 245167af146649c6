"""Articles for the tests of a result's shape (tests/search/test_results_shape.py and
tests/browser/test_results.py): every one mentions a rhino (קרנף), so that one query finds them all.

- ``long``: a title and six paragraphs about the rhino: more matching parts than a result shows;
- ``headline``: a headline with no text (as scraped pages often are);
- ``wire-1..3``: one agency story in three sources, under three titles, the third with other digits
  and punctuation: near-duplicates by their text;
- ``flash-1..3``: the same headline-only item posted three times by one source: by source and title;
- ``huge-title``: an article whose title is 888 characters long.
"""

from __future__ import annotations

import json
from pathlib import Path

WIRE = [
    "קרנף לבן נולד הבוקר בספארי ברמת גן, לראשונה מזה עשר שנים, כך הודיעה הנהלת הגן.",
    "לדברי הווטרינרית הראשית של הספארי, הגור והאם נמצאים במצב טוב והם יוצגו לקהל בעוד 3 שבועות.",
    "קרנפים לבנים נמצאים בסכנת הכחדה חמורה, ובעולם נותרו כמה אלפים בלבד שחיים בשמורות מוגנות.",
    "הספארי משתתף בתוכנית רבייה בינלאומית שמטרתה לשמור על המין ולהשיב פרטים לטבע באפריקה.",
]
WIRE_EDITED = [p.replace("3", "4").replace(",", " ;") for p in WIRE]  # other digits and punctuation
HUGE_TITLE = ("קרנף " + "כותרת ארוכה מאוד של כתבה שנאספה מהרשת בלי שנחתכה כראוי ") * 15
HUGE_TITLE = HUGE_TITLE[:887].strip() + "ז"


def _record(article_id: str, title: str, body: list[str], source: str = "ynet", day: int = 1) -> dict:
    return {
        "id": article_id,
        "url": f"https://example.test/{article_id}",
        "source": source,
        "published_at": f"2016-03-{day:02d}T09:00:00+02:00",
        "title": title,
        "body": body,
    }


RECORDS = [
    _record(
        "long",
        "מסע בעקבות הקרנף האחרון",
        [
            "הקרנף האחרון מסוגו חי בשמורה בקניה.",
            "שומרי השמורה מלווים את הקרנף יומם ולילה.",
            "בשנה שעברה ניסו ציידים להגיע אל הקרנף.",
            "מדענים שמרו תאים של הקרנף במעבדה.",
            "הקרנף אוכל עשרות קילוגרמים של עשב ביום.",
            "מבקרים רבים מגיעים לראות את הקרנף.",
        ],
        day=2,
    ),
    _record("headline", "קרנף נצפה משוטט ליד כביש הערבה", [], day=3),
    _record("wire-1", "קרנף לבן נולד בספארי", WIRE, source="ynet", day=4),
    _record("wire-2", "שמחה בספארי: נולד קרנף", WIRE, source="walla", day=5),
    _record("wire-3", "גור קרנף לבן ברמת גן", WIRE_EDITED, source="maariv", day=6),
    _record("flash-1", "מבזק: קרנף ברח מהספארי", [], source="kan", day=7),
    _record("flash-2", "מבזק: קרנף ברח מהספארי", [], source="kan", day=8),
    _record("flash-3", "מבזק: קרנף ברח מהספארי", [], source="kan", day=9),
    _record("huge-title", HUGE_TITLE, ["כתבה קצרה על קרנף שכותרתה ארוכה מדי."], day=10),
]
GROUPS = {"wire": ["wire-1", "wire-2", "wire-3"], "flash": ["flash-1", "flash-2", "flash-3"]}


def write_records(folder: Path) -> Path:
    path = folder / "results.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path
