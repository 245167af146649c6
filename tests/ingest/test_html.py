from service.ingest.html import html_to_text, looks_like_html


def test_detects_markup_and_entities_but_not_comparisons():
    assert looks_like_html("<p>שלום</p>")
    assert looks_like_html("שלום&nbsp;עולם")
    assert looks_like_html('<div class="ad">פרסומת</div>')
    assert not looks_like_html("אם a < b וגם c > d")
    assert not looks_like_html("מחיר: 5 & 6 שקלים")


def test_blocks_become_paragraphs_and_scripts_vanish():
    html = "<p>פסקה <b>ראשונה</b></p><p>שנייה&nbsp;עם &quot;ציטוט&quot;<br>שורה</p><script>alert(1)</script>"
    assert html_to_text(html) == 'פסקה ראשונה\n\nשנייה עם "ציטוט"\nשורה'


def test_styles_and_iframes_vanish():
    assert html_to_text("<style>p{}</style><iframe src=x></iframe>טקסט") == "טקסט"
