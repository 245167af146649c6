"""Split a photo credit into the people and the agencies it names.

"עמוס בן גרשום לע"מ" → person עמוס בן גרשום, agency לע"מ; "AFP / RUSSIAN DEFENCE MINISTRY" → two
agencies; "מארק ניימן, לע"מ" → a person and an agency. Agencies are recognised from a list of the
photo agencies and press offices that Israeli news credits, and by shape (Latin capitals, office words).
"""

from __future__ import annotations

import re

from service.model import Credit
from service.normalize import normalize

KNOWN_AGENCIES = (
    'לע"מ',
    "GPO",
    "AFP",
    "AP",
    "Reuters",
    "רויטרס",
    "EPA",
    "Getty Images",
    "Getty",
    "גטי",
    "Shutterstock",
    "שאטרסטוק",
    "Flash90",
    "Flash 90",
    "פלאש 90",
    "פלאש90",
    'דובר צה"ל',
    "ynet",
    "Xinhua",
    "שינחואה",
    "TPS",
    "UPI",
    "dpa",
    "ANSA",
    "Sputnik",
    "ספוטניק",
    "TASS",
    "טאס",
    "RIA",
    "WAFA",
    "Anadolu",
    "Abaca",
    "Imagebank",
    "אימג'בנק",
    "ויקיפדיה",
    "Wikipedia",
    'יח"צ',
    "ארכיון",
    "רשתות חברתיות",
    "מתוך הרשתות החברתיות",
    "ערוץ 2",
    "חדשות 2",
    "כאן 11",
    "i24NEWS",
    "Bloomberg",
    "Pool",
    "פול",
)
_KNOWN = {normalize(a).casefold(): a for a in KNOWN_AGENCIES}
# Words that make a credit an institution rather than a person.
# Channels, authorities and the social networks a screenshot comes from are credited as sources too.
OFFICE_WORDS = re.compile(
    r"(דובר|דוברות|משרד|באדיבות|ארכיון|יח\"צ|משטרת|צבא|מוזיאון|אוניברסיטת|ערוץ|רשות|עיריית|לשכת|מכון|"
    r"סוכנות|מערכת|מתוך|יוטיוב|פייסבוק|טוויטר|אינסטגרם|טיקטוק|טלגרם|MINISTRY|AGENCY|PRESS|NEWS|"
    r"IMAGES|OFFICE|ARCHIVE|POOL|HANDOUT|COURTESY|YOUTUBE|FACEBOOK|TWITTER|INSTAGRAM|TIKTOK|TELEGRAM|"
    r"\bTV\b|CHANNEL)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[/,|;]\s*|\s+-\s+")
_LATIN_CAPS = re.compile(r"^[A-Z0-9 .&'-]+$")


def _agency(segment: str) -> str | None:
    """The agency's canonical spelling when ``segment`` is one, else None."""
    key = normalize(segment).casefold()
    if key in _KNOWN:
        return _KNOWN[key]
    if OFFICE_WORDS.search(segment) or (_LATIN_CAPS.match(segment) and len(segment) > 1):
        return segment
    return None


def _split_trailing_agency(segment: str) -> tuple[str, str] | None:
    """ "עמוס בן גרשום לע"מ" → ("עמוס בן גרשום", 'לע"מ'): a person followed by a known agency."""
    words = segment.split()
    for n in range(min(3, len(words) - 1), 0, -1):
        tail = " ".join(words[-n:])
        agency = _KNOWN.get(normalize(tail).casefold())
        if agency:
            return " ".join(words[:-n]), agency
    return None


def split_credit(text: str) -> Credit:
    text = " ".join(text.split()).strip(" .")
    people: list[str] = []
    agencies: list[str] = []
    for segment in filter(None, (s.strip() for s in _SEPARATORS.split(text))):
        if agency := _agency(segment):
            agencies.append(agency)
        elif pair := _split_trailing_agency(segment):
            people.append(pair[0])
            agencies.append(pair[1])
        else:
            people.append(segment)
    return Credit(text=text, people=tuple(dict.fromkeys(people)), agencies=tuple(dict.fromkeys(agencies)))
