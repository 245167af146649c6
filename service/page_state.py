"""The search page's state, forgiving where the API is strict: a bad parameter is dropped and named
beside its control in Hebrew (the API answers 400 in English, for programs), and a new text search
starts without the previous search's filters unless the reader asked to search within them.

Why the page is forgiving: a reader who mistypes a date, or follows an old link, should still see
results and learn what was ignored, and a value that failed once must not ride along on every
following search (hidden inputs and links are built from the cleaned arguments only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from service.search.dates import EARLIEST_DATE, latest_date
from service.search.request import InvalidRequest, SearchRequest

# Parameters the search box's form carries to say "this is a new search" (never kept in links).
PREVIOUS_QUERY = "prev_q"
KEEP_FILTERS = "within"
FORM_ONLY = (PREVIOUS_QUERY, KEEP_FILTERS)
# What a new text search keeps from the previous one when the reader does not search within its
# filters: only the order and the page size, which are preferences rather than filters.
KEPT_ON_NEW_SEARCH = ("q", "sort", "size")

MESSAGES_HE = {
    "q": "החיפוש ארוך מדי או מכיל יותר מדי מילים, ולכן לא הופעל. נסו חיפוש קצר יותר.",
    "page": "אין עמוד כזה; מוצג העמוד הראשון.",
    "size": "מספר התוצאות בעמוד אינו תקין; מוצג מספר ברירת המחדל.",
    "sort": "סדר המיון אינו מוכר; הוחל סדר ברירת המחדל.",
    "kind": "סוג חלק הכתבה אינו מוכר; הסינון לפיו הוסר.",
    "from": "תאריך ההתחלה אינו תקין (יש לכתוב שנה-חודש-יום, בין {earliest} ל־{latest}); הוא הוסר.",
    "to": "תאריך הסיום אינו תקין (יש לכתוב שנה-חודש-יום, בין {earliest} ל־{latest}); הוא הוסר.",
    "range": "תאריך ההתחלה מאוחר מתאריך הסיום; טווח התאריכים הוסר.",
    "page_window": "אפשר לדפדף רק בתוצאות הראשונות; צמצמו את החיפוש כדי להגיע לכתבות ישנות יותר.",
}
FILTER_MESSAGE_HE = "ערך סינון אינו תקין הוסר מהחיפוש."


def hebrew_message(exc: InvalidRequest) -> str:
    """The reader's message for one refused parameter (the API's English one names it for programs)."""
    params = exc.params
    if set(params) == {"from", "to"}:
        return MESSAGES_HE["range"]
    if params == ("page",) and "goes beyond" in str(exc):
        return MESSAGES_HE["page_window"]
    message = MESSAGES_HE.get(params[0] if params else "", FILTER_MESSAGE_HE)
    return message.format(earliest=EARLIEST_DATE.isoformat(), latest=latest_date().isoformat())


@dataclass
class PageState:
    """The arguments the page searches with (bad ones dropped), the request, and what was dropped:
    ``errors`` maps a control's parameter ("q", "from", "person"...) to its Hebrew message."""

    args: MultiDict[str, str]
    request: SearchRequest | None = None
    errors: dict[str, str] = field(default_factory=dict)


def without(args: MultiDict[str, str], names: tuple[str, ...] | set[str]) -> MultiDict[str, str]:
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k not in names])


def parse_forgivingly(
    args: MultiDict[str, str], parse: Callable[[MultiDict[str, str]], SearchRequest]
) -> PageState:
    """Parse, dropping each refused parameter in turn (each has a message) until the rest parses.
    A refusal that names no parameter present cannot be dropped: it is raised as before."""
    state = PageState(args=without(args, FORM_ONLY))
    for _ in range(len(state.args) + 1):
        try:
            state.request = parse(state.args)
            return state
        except InvalidRequest as exc:
            present = [p for p in exc.params if p in state.args]
            if not present:
                raise
            message = hebrew_message(exc)
            for name in present:
                state.errors.setdefault(name, message)
            state.args = without(state.args, set(present))
    raise InvalidRequest("too many invalid parameters")


def new_search_redirect(args: MultiDict[str, str]) -> MultiDict[str, str] | None:
    """The arguments to redirect to when the search box was submitted: a changed query starts a new
    search without the old filters unless "search within these filters" was ticked; either way the
    form's own markers leave the URL. None when the request did not come from the search box."""
    if PREVIOUS_QUERY not in args:
        return None
    changed = (args.get("q") or "").strip() != (args.get(PREVIOUS_QUERY) or "").strip()
    if changed and not args.get(KEEP_FILTERS):
        return MultiDict([(k, v) for k, v in args.items(multi=True) if k in KEPT_ON_NEW_SEARCH and v])
    return without(args, FORM_ONLY)
