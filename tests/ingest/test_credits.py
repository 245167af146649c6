import pytest

from service.ingest.credits import split_credit


@pytest.mark.parametrize(
    ("credit", "people", "agencies"),
    [
        ('עמוס בן גרשום לע"מ', ("עמוס בן גרשום",), ('לע"מ',)),
        ("AFP / RUSSIAN DEFENCE MINISTRY", (), ("AFP", "RUSSIAN DEFENCE MINISTRY")),
        ('מארק ניימן, לע"מ', ("מארק ניימן",), ('לע"מ',)),
        ('לע"מ', (), ('לע"מ',)),
        ("לע״מ", (), ('לע"מ',)),  # gershayim spelled with U+05F4
        ("רויטרס", (), ("רויטרס",)),
        ("shutterstock", (), ("Shutterstock",)),
        ("יונתן זינדל, פלאש 90", ("יונתן זינדל",), ("פלאש 90",)),
        ("אלכס קולומויסקי", ("אלכס קולומויסקי",), ()),
        ('דובר צה"ל', (), ('דובר צה"ל',)),
        ("באדיבות המשפחה", (), ("באדיבות המשפחה",)),
        ("Getty Images / AFP", (), ("Getty Images", "AFP")),
        ("רויטרס, רויטרס", (), ("רויטרס",)),
        # Channels, authorities and social networks are sources, not people.
        ("ערוץ הכנסת", (), ("ערוץ הכנסת",)),
        ("צילום מסך מתוך יוטיוב", (), ("צילום מסך מתוך יוטיוב",)),
        ("רשות הטבע והגנים", (), ("רשות הטבע והגנים",)),
        ("דני כהן, עיריית חיפה", ("דני כהן",), ("עיריית חיפה",)),
        ("CNN TV", (), ("CNN TV",)),
        ("Olga Tvardovsky", ("Olga Tvardovsky",), ()),
    ],
)
def test_split_credit(credit, people, agencies):
    result = split_credit(credit)
    assert (result.people, result.agencies) == (people, agencies)


def test_credit_text_is_kept_as_printed_but_trimmed():
    assert split_credit("  מוטי קמחי. ").text == "מוטי קמחי"
