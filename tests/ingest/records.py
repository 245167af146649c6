"""A JSON Lines record that passes every check, for the tests that spoil one field of it at a time."""

GOOD = {
    "url": "https://example.test/a/1",
    "source": "example",
    "title": "הממשלה אישרה את התקציב",
    "published_at": "2021-06-01T09:30:00+03:00",
    "body": ["פסקה ראשונה של הכתבה.", "פסקה שנייה של הכתבה."],
}
