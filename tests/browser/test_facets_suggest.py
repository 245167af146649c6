"""Issue 18 in a real browser: the filter box of a long facet list (facets.js, /api/facets/<type>)
and autocomplete that turns a chosen entity into a filter and keeps the other typed words
(suggest.js), over the fixtures' alias."""

from playwright.sync_api import expect

from tests.browser.support import params, shot


def test_the_filter_box_narrows_a_long_list_and_finds_values_beyond_it(page, site):
    page.goto(site)
    facet = page.locator("#facet-place")
    box = facet.locator("input.facet-filter")
    expect(box).to_be_hidden()  # until "עוד" expands the list
    expect(facet.locator("label", has_text="פריז")).to_have_count(0)  # beyond the top ten places
    facet.locator(".show-more").click()
    expect(box).to_be_visible()
    box.fill("עז")  # a word's start, the first or the second word
    visible = facet.locator("li:visible .name")
    expect(visible).to_have_text(["עזה", "רצועת עזה"], use_inner_text=True)
    box.fill("פרי")
    expect(visible).to_have_text(["פריז"])
    shot(page, "facet-filter")
    box.fill("")
    expect(facet.locator("li:visible")).to_have_count(10)  # the whole list again
    box.fill("פרי")
    expect(visible).to_have_text(["פריז"])
    facet.locator("label", has_text="פריז").locator("input").check()
    page.wait_for_url("**place=*")
    assert params(page)["place"] == ["place:paris"]
    expect(page.locator(".chips .chip", has_text="פריז")).to_be_visible()
    expect(page.locator("#count")).to_contain_text("1 כתבות")


def test_the_filter_box_says_when_nothing_matches(page, site):
    page.goto(site)
    facet = page.locator("#facet-place")
    facet.locator(".show-more").click()
    facet.locator("input.facet-filter").fill("זזז")
    expect(facet.locator(".facet-filter-status")).to_have_text("אין ערכים מתאימים")
    expect(facet.locator("li:visible")).to_have_count(0)


def test_choosing_an_entity_keeps_the_typed_words(page, site):
    page.goto(f"{site}/?place=place:russia")
    page.fill("#q", "רוסיה פוט")
    option = page.locator("#q-suggest li", has_text="ולדימיר פוטין")
    expect(option).to_be_visible()
    shot(page, "suggest")
    option.click()
    page.wait_for_url("**person=*")
    # The completed word is gone, the others stay; the page's other filters are dropped.
    assert params(page) == {"q": ["רוסיה"], "person": ["person:putin-vladimir"]}
    expect(page.locator("#q")).to_have_value("רוסיה")
    expect(page.locator(".chips .chip", has_text="ולדימיר פוטין")).to_be_visible()


def test_choosing_an_entity_within_the_filters_keeps_them(page, site):
    page.goto(f"{site}/?q=רוסיה&place=place:russia")
    page.locator("input[name=within]").check()
    page.fill("#q", "רוסיה פוט")
    page.locator("#q-suggest li", has_text="ולדימיר פוטין").click()
    page.wait_for_url("**person=*")
    assert params(page) == {"q": ["רוסיה"], "place": ["place:russia"], "person": ["person:putin-vladimir"]}


def test_an_alias_suggests_its_entity(page, site):
    page.goto(site)
    page.fill("#q", "ביב")  # ביבי, a nickname in the gazetteer and not in any article
    expect(page.locator("#q-suggest li").first).to_contain_text("בנימין נתניהו")


def test_choosing_a_word_completes_the_last_one(page, site):
    page.goto(site)
    page.fill("#q", "הכנסת תקצ")
    page.locator("#q-suggest li", has_text="תקציב").first.click()
    page.wait_for_url("**q=*")
    assert params(page)["q"] == ["הכנסת תקציב"]
