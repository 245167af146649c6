"""The web pages in a real browser: Debian's Chromium driven by Playwright, against the app served
on loopback and the real test node (fixtures in tests/browser.py)."""

import pytest
from playwright.sync_api import expect

from service.config import Settings
from tests.browser.support import Server, _free_port, params, shot


def test_search(page, site):
    page.goto(site)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#count")).to_contain_text("הכתבות האחרונות")
    page.fill("#q", "פוטין")
    page.press("#q", "Enter")
    expect(page.locator("#count")).to_contain_text("3 כתבות")
    expect(page.locator(".result mark").first).to_have_text("פוטין")
    expect(page.locator(".kind-caption .badge").first).to_have_text("כיתוב תמונה")
    shot(page, "results")


def test_select_and_deselect_a_facet_value(page, site):
    page.goto(f"{site}/?q=פוטין")
    page.evaluate("window.__same_document = true")  # lost on a full page load
    page.locator("#facet-person label", has_text="דימיטרי פסקוב").locator("input").check()
    page.wait_for_url("**person=*")
    assert page.evaluate("window.__same_document === true"), "the facet click reloaded the whole page"
    expect(page.locator("#facet-person input:focus")).to_have_count(1)  # focus stays on the checkbox
    expect(page.locator("#count")).to_contain_text("2 כתבות")
    chip = page.locator(".chips .chip", has_text="דימיטרי פסקוב")
    expect(chip).to_be_visible()
    chip.click()
    page.wait_for_url(lambda url: "person=" not in url)
    assert "person" not in params(page)
    expect(page.locator("#count")).to_contain_text("3 כתבות")


def test_more_expands_a_long_facet(page, site):
    page.goto(site)
    facet = page.locator("#facet-place")
    hidden = facet.locator("li.more").first
    expect(hidden).to_be_hidden()
    facet.locator(".show-more").click()
    expect(hidden).to_be_visible()


def test_narrow_dates_with_the_inputs(page, site):
    page.goto(site)
    page.fill("input[name=from]", "2015-12-01")
    page.fill("input[name=to]", "2015-12-31")
    page.click("button.apply")
    page.wait_for_url("**from=2015-12-01*")
    expect(page.locator("#count")).to_contain_text("3 כתבות")
    expect(page.locator(".chips")).to_contain_text("דצמבר 2015")


def test_narrow_dates_by_clicking_and_dragging_the_histogram(page, site):
    page.goto(f"{site}/?from=2015-12-15&to=2016-01-20")
    bars = page.locator(".histogram .bar")
    assert bars.count() > 10
    bars.nth(0).locator("rect.hit").click()  # a click narrows to one bar (the first day, drawn at the right)
    page.wait_for_url("**to=2015-12-15*")
    assert params(page)["from"] == params(page)["to"] == ["2015-12-15"]
    page.goto(f"{site}/?from=2015-12-15&to=2016-01-20")
    page.locator(".histogram").scroll_into_view_if_needed()
    first, last = (
        bars.nth(30).locator("rect.hit").bounding_box(),
        bars.nth(25).locator("rect.hit").bounding_box(),
    )
    page.mouse.move(first["x"] + 2, first["y"] + 20)
    page.mouse.down()
    page.mouse.move(last["x"] + 2, last["y"] + 20, steps=5)
    expect(page.locator(".histogram .selected")).to_have_count(6)
    page.mouse.up()
    page.wait_for_url("**to=2016-01-14*")
    chosen = params(page)
    assert (chosen["from"], chosen["to"]) == (["2016-01-09"], ["2016-01-14"])


def test_paginate(page, site):
    page.goto(f"{site}/?size=3&sort=newest")
    first_titles = page.locator(".result h2").all_inner_texts()
    page.click("nav.pages a[rel=next]")
    page.wait_for_url("**page=2*")
    second_titles = page.locator(".result h2").all_inner_texts()
    assert len(first_titles) == 3 and second_titles and not set(first_titles) & set(second_titles)
    expect(page.locator("nav.pages [aria-current=page]")).to_have_text("2")


def test_open_an_article_and_follow_an_entity_chip(page, site):
    page.goto(f"{site}/?q=פסקוב")
    page.locator(".result h2 a").first.click()
    expect(page.locator("h1")).to_contain_text("פוטין")
    shot(page, "article")
    page.locator(".entity-chips a.chip", has_text="דימיטרי פסקוב").click()
    page.wait_for_url("**person=*")
    expect(page.locator(".chips .chip", has_text="דימיטרי פסקוב")).to_be_visible()


def test_entity_page(page, site):
    page.goto(f"{site}/articles/a2")
    page.get_by_label("דף הישות ולדימיר פוטין").click()
    page.wait_for_url("**/entities/person:*")
    expect(page.locator(".entity h1")).to_have_text("ולדימיר פוטין")
    # Mentions: he is named 19 times in his three articles (the seed, a2, a5).
    expect(page.locator(".entity .meta")).to_contain_text("19 אזכורים ב־3 כתבות")
    # Timeline: daily bars from 21 December 2015 to 15 January 2016, one article on each of three days.
    bars = page.locator(".entity [data-histogram] a.bar")
    expect(bars.first).to_have_attribute("aria-label", "21 בדצמבר 2015: כתבה אחת")
    expect(page.locator(".entity [data-histogram] a.bar:not(.empty)")).to_have_count(3)
    # Related: those named with him, each linked to its own page, with how many of his articles name it.
    netanyahu = page.locator(".entity .chip-group a.chip", has_text="בנימין נתניהו")
    expect(netanyahu.locator(".n")).to_have_text("2")
    expect(page.locator(".entity .chip-group a.chip", has_text="ולדימיר פוטין")).to_have_count(0)
    netanyahu.click()
    page.wait_for_url("**/entities/person:*")
    expect(page.locator(".entity h1")).to_have_text("בנימין נתניהו")
    shot(page, "entity")


def test_script_in_an_article_renders_as_text(page, site):
    page.goto(f"{site}/?q=הצבעה")
    expect(page.locator(".result").first).to_contain_text("<script>alert(1)</script>")
    page.goto(f"{site}/articles/a6")
    expect(page.locator("article.article")).to_contain_text("<script>alert(1)</script>")


def test_autocomplete(page, site):
    page.goto(site)
    page.fill("#q", "פוט")
    option = page.locator("#q-suggest li", has_text="ולדימיר פוטין")
    expect(option).to_be_visible()
    option.click()
    page.wait_for_url("**person=*")
    expect(page.locator(".chips")).to_contain_text("ולדימיר פוטין")


def test_unavailable_page_with_elasticsearch_stopped(page):
    server = Server(Settings(es_url=f"http://127.0.0.1:{_free_port()}", es_index="anything"))
    try:
        page.on("console", lambda msg: None)
        response = page.goto(f"{server.url}/?q=פוטין")
        assert response.status == 503
        expect(page.locator(".unavailable")).to_contain_text("אינו זמין")
        expect(page.locator("#q")).to_have_value("פוטין")
        shot(page, "unavailable")
        # The browser logs the 503 itself as a console error: that one only is expected.
        expected = [e for e in page.errors if "status of 503" in e]
        assert len(expected) == 1, page.errors
        page.errors.remove(expected[0])
    finally:
        server.stop()


def test_every_control_has_a_label_and_the_keyboard_reaches_the_facets(page, site):
    page.goto(f"{site}/?q=פוטין")
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, button')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.textContent.trim())
            .map(el => el.outerHTML)"""
    )
    assert unlabeled == []
    page.focus("#q")
    for _ in range(40):  # Tab from the search box into the facet checkboxes
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#facet-person input[type=checkbox]')"):
            break
    else:
        pytest.fail("Tab never reached a person checkbox")
    page.keyboard.press("Space")
    page.wait_for_url("**person=*")
    expect(page.locator(".chips")).to_be_visible()
