"""The date histogram in the browser (issue 18): one tab stop with arrow keys between its bars, Enter
narrows the search in place, a visible focus ring, a name per bar, the date presets, and the bars
as plain links without JavaScript. Screenshots at desktop and phone size in test-artifacts/."""

import re
from datetime import date

from playwright.sync_api import expect

from service.search.date_labels import month_before
from service.search.dates import latest_date
from tests.browser.support import SHOTS, params, phone, shot

DAYS = "/?from=2015-12-15&to=2016-01-20"  # 37 daily bars over the fixtures' articles


def active(page) -> dict:
    """The focused element: its bar's dates (or None) and its screen position."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const bar = el && el.closest ? el.closest('.bar') : null;
            const box = bar ? bar.querySelector('rect.hit').getBoundingClientRect() : null;
            return {from: bar ? bar.dataset.from : null, x: box ? box.x : null, id: el ? el.id : null,
                    tag: el ? el.tagName.toLowerCase() : null};
        }"""
    )


def test_the_histogram_is_one_tab_stop(page, site):
    page.goto(site + DAYS)
    bars = page.locator(".histogram .bar")
    assert bars.count() == 37
    expect(page.locator('.histogram .bar[tabindex="0"]')).to_have_count(1)
    expect(page.locator('.histogram .bar[tabindex="-1"]')).to_have_count(36)
    # The stop is the latest bar that holds articles: 2016-01-16, the fixtures' last.
    expect(page.locator('.histogram .bar[tabindex="0"]')).to_have_attribute("data-from", "2016-01-16")
    page.locator(".date-presets a").last.focus()
    page.keyboard.press("Tab")
    assert active(page)["from"] == "2016-01-16"
    page.keyboard.press("Tab")  # one Tab leaves the chart, whatever the number of bars
    assert active(page)["from"] is None
    page.keyboard.press("Shift+Tab")
    assert active(page)["from"] == "2016-01-16"


def test_arrow_keys_move_between_bars_as_they_are_seen(page, site):
    page.goto(site + DAYS)
    page.locator('.histogram .bar[tabindex="0"]').focus()
    start = active(page)
    page.keyboard.press("ArrowRight")  # right-to-left: the bar to the right is the day before
    right = active(page)
    assert right["from"] == "2016-01-15" and right["x"] > start["x"]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert active(page)["from"] == "2016-01-17"
    page.keyboard.press("Home")
    assert active(page)["from"] == "2015-12-15"
    page.keyboard.press("ArrowRight")  # already the first: stays
    assert active(page)["from"] == "2015-12-15"
    page.keyboard.press("End")
    assert active(page)["from"] == "2016-01-20"
    # The tab stop follows the focus: leaving and coming back lands on the same bar.
    expect(page.locator('.histogram .bar[tabindex="0"]')).to_have_attribute("data-from", "2016-01-20")
    expect(page.locator('.histogram .bar[tabindex="0"]')).to_have_count(1)


def test_the_focused_bar_has_a_thick_ring(page, site):
    page.goto(site + DAYS)
    bar = page.locator('.histogram .bar[tabindex="0"]')
    before = bar.locator("rect.hit").evaluate("r => getComputedStyle(r).stroke")
    bar.focus()
    ring = bar.locator("rect.hit").evaluate(
        "r => { const s = getComputedStyle(r); return [s.stroke, s.strokeWidth]; }"
    )
    assert before != ring[0]
    assert ring == ["rgb(244, 161, 0)", "3px"]
    shot(page, "histogram-focus-desktop")
    page.locator(".histogram-wrap").screenshot(path=str(SHOTS / "histogram-focus-ring.png"))


def test_enter_narrows_to_the_focused_bar_in_place(page, site):
    page.goto(site + DAYS)
    page.evaluate("window.stillHere = true")
    page.locator('.histogram .bar[tabindex="0"]').focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_url("**to=2016-01-15*")
    assert params(page)["from"] == params(page)["to"] == ["2016-01-15"]
    expect(page.locator("#count")).to_be_focused()
    assert page.evaluate("window.stillHere === true")  # updated in place, not reloaded
    page.goto(site + DAYS)
    page.locator('.histogram .bar[tabindex="0"]').focus()
    page.keyboard.press("Home")
    page.keyboard.press(" ")
    page.wait_for_url("**to=2015-12-15*")


def test_each_bar_has_a_name_and_the_axis_labels_fit_the_interval(page, site):
    page.goto(site)  # every article: 2014-03 to 2016-01, monthly bars
    bars = page.locator(".histogram .bar")
    assert bars.count() == 23
    names = [bars.nth(i).get_attribute("aria-label") for i in range(bars.count())]
    assert names[0] == "מרץ 2014: כתבה אחת"
    assert all(re.fullmatch(r"\S+ 20\d\d: (\d+ כתבות|כתבה אחת)", n) for n in names), names
    expect(page.locator(".axis span").first).to_have_text("מרץ 2014")
    expect(page.locator(".axis span").last).to_have_text("ינואר 2016")
    page.goto(site + DAYS)
    expect(page.locator(".axis span").first).to_have_text("15 בדצמבר 2015")
    day = page.locator('.histogram .bar[data-from="2015-12-20"]').get_attribute("aria-label")
    assert day == "20 בדצמבר 2015: כתבה אחת"


def test_the_presets_choose_recent_dates_and_all_dates_widens(page, site):
    latest = latest_date()
    page.goto(site + DAYS)
    presets = page.locator(".date-presets a")
    expect(presets).to_have_count(5)
    expect(page.locator(".date-presets a[aria-current]")).to_have_count(0)
    page.get_by_role("link", name="השנה האחרונה").click()
    page.wait_for_url(f"**from={month_before(latest, 12).isoformat()}*")
    assert params(page)["to"] == [latest.isoformat()]
    expect(page.locator(".date-presets a[aria-current]")).to_have_text("השנה האחרונה")
    page.get_by_role("link", name="כל התאריכים").click()
    page.wait_for_url(lambda url: "from=" not in url)
    expect(page.locator(".date-presets a[aria-current]")).to_have_text("כל התאריכים")
    expect(page.locator(".histogram .bar")).to_have_count(23)  # widened to every match
    week = page.get_by_role("link", name="השבוע האחרון")
    href = week.get_attribute("href")
    assert f"from={date.fromordinal(latest.toordinal() - 7).isoformat()}" in href
    shot(page, "histogram-presets-desktop")


def test_without_javascript_every_bar_is_a_link(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="he-IL")
    page = context.new_page()
    try:
        page.goto(site + DAYS)
        bars = page.locator(".histogram .bar")
        assert bars.count() == 37
        expect(page.locator(".histogram .bar[tabindex]")).to_have_count(0)
        assert all(bars.nth(i).get_attribute("href").startswith("/?") for i in range(bars.count()))
        bars.nth(5).locator("rect.hit").click()
        page.wait_for_url("**to=2015-12-20*")
        assert params(page)["from"] == ["2015-12-20"]
    finally:
        context.close()


def test_screenshots_desktop_and_phone(page, browser, site):
    page.goto(site + "/?q=פוטין")
    page.locator(".histogram").scroll_into_view_if_needed()
    shot(page, "histogram-desktop")
    small = phone(browser)
    try:
        small.goto(site + "/?q=פוטין")
        toggle = small.locator(".filters-toggle")
        if toggle.count() and toggle.is_visible():
            toggle.click()
        expect(small.locator(".histogram")).to_be_visible()
        shot(small, "histogram-phone")
    finally:
        small.context.close()
