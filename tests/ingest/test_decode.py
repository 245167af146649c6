import random

import pytest

from service.ingest.decode import Undecodable, decode

HEBREW = 'צה"ל הודיע הערב: "הכוחות פועלים בגבול הצפון". ראש הממשלה נתניהו כינס את הקבינט.\n' * 5


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1255", "iso8859_8", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_hebrew_in_the_encodings_old_sites_used(encoding):
    text, _ = decode(HEBREW.encode(encoding))
    assert text.replace("\ufeff", "") == HEBREW


def test_windows_1255_is_named():
    assert decode(HEBREW.encode("cp1255"))[1] == "cp1255"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (random.Random(7).randbytes(3000), "binary|not text"),
    ],
)
def test_refused(data, reason):
    with pytest.raises(Undecodable, match=reason):
        decode(data)
