"""Credits at the edges of the rules that read them: a one-letter Latin credit, a two-letter one, a
one-word photographer before an agency, a two-word agency after a name without a comma, and a credit
whose first letter is one of the characters the trimming removes."""

import pytest

from service.ingest.credits import split_credit


@pytest.mark.parametrize(
    ("credit", "people", "agencies"),
    [
        ("A", ("A",), ()),  # one capital letter is an initial, not an agency
        ("UN", (), ("UN",)),  # two capitals already name an agency
        ('גרשום לע"מ', ("גרשום",), ('לע"מ',)),
        ("יונתן זינדל פלאש 90", ("יונתן זינדל",), ("פלאש 90",)),
        ("Xinhua", (), ("Xinhua",)),
    ],
)
def test_credit_at_the_edge_of_a_rule(credit, people, agencies):
    result = split_credit(credit)
    assert (result.people, result.agencies) == (people, agencies)


def test_only_spaces_and_full_stops_are_trimmed():
    assert split_credit(". Xinhua X.").text == "Xinhua X"
