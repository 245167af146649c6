"""The search page's shell in a real browser (issue 18): results first on a phone with the filters
in a drawer, the keyboard's way to the first result, where focus goes after an in-place update."""

from playwright.sync_api import expect

from tests.browser.support import params, phone, shot

TAB_BUDGET = 10  # Tab presses from the top of the page to the first result (issue 18)


def tabs_to_first_result(page) -> int:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for presses in range(1, 60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.result h2 a')"):
            return presses
    raise AssertionError("Tab never reached the first result")


def test_the_keyboard_reaches_the_first_result_within_ten_tabs(page, site):
    page.goto(f"{site}/?q=פוטין")
    assert tabs_to_first_result(page) <= TAB_BUDGET


def test_the_keyboard_reaches_the_first_result_within_ten_tabs_on_a_phone(browser, site):
    small = phone(browser)
    small.goto(f"{site}/?q=פוטין")
    assert tabs_to_first_result(small) <= TAB_BUDGET
    small.context.close()


def test_skip_links_lead_to_the_results_and_to_the_filters(page, site):
    page.goto(f"{site}/?q=פוטין")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("דלג לתוצאות")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("דלג לסינון")
    page.keyboard.press("Enter")
    expect(page.locator("#filters")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('filters').contains(document.activeElement)")


def test_on_a_phone_results_come_first_and_the_filters_open_in_a_drawer(browser, site):
    page = phone(browser)
    page.goto(site)
    first = page.locator(".result").first.bounding_box()
    assert first["y"] < 844 / 2, first  # the first result is above the fold, near the top
    expect(page.locator("#filters")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-results")

    page.locator(".filters-toggle").click()
    drawer = page.locator("#filters")
    expect(drawer).to_be_visible()
    expect(drawer).to_have_attribute("role", "dialog")
    expect(page.locator(".drawer-close")).to_be_focused()
    done = page.locator(".drawer-done")
    before = done.inner_text()
    shot(page, "phone-drawer")

    total = int(before.split()[1])
    rarer = page.locator("#facet-place li").filter(has_not_text=f" {total}").locator("input").first
    rarer.check()
    page.wait_for_url("**place=*")
    expect(page.locator("#filters")).to_be_visible()  # still open: the tap changed something visible
    expect(page.locator(".drawer-done")).not_to_have_text(before)
    expect(page.locator(".filters-toggle")).to_contain_text("1 פעילים")

    page.locator(".drawer-done").click()
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("#count")).to_be_focused()
    expect(page.locator(".chips")).to_be_visible()
    page.context.close()


def test_escape_closes_the_drawer_and_returns_to_its_button(browser, site):
    page = phone(browser)
    page.goto(f"{site}/?q=פוטין")
    page.locator(".filters-toggle").click()
    page.keyboard.press("Escape")
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator(".filters-toggle")).to_be_focused()
    page.context.close()


def test_the_next_page_moves_focus_to_the_results_heading_and_scrolls_to_it(page, site):
    page.goto(f"{site}/?size=2")
    page.evaluate("window.__same_document = true")
    page.locator(".pages a[rel=next]").scroll_into_view_if_needed()
    page.locator(".pages a[rel=next]").click()
    page.wait_for_url("**page=2*")
    expect(page.locator("#count")).to_be_focused()
    assert page.evaluate("window.__same_document") is True  # updated in place
    top = page.evaluate("document.getElementById('count').getBoundingClientRect().top")
    assert -5 <= top <= 120, top


def test_removing_a_chip_puts_focus_on_the_next_chip_then_on_the_box(page, site):
    page.goto(f"{site}/?q=פוטין")
    page.locator("#facet-person input[type=checkbox]").nth(0).check()
    page.wait_for_url("**person=*")
    page.locator("#facet-place input[type=checkbox]").nth(0).check()
    page.wait_for_url("**place=*")
    chips = page.locator(".chips .chip:not(.clear)")
    expect(chips).to_have_count(2)
    second = chips.nth(1).inner_text()
    chips.nth(0).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".chips .chip:not(.clear)")).to_have_count(1)
    expect(page.locator(":focus")).to_have_text(second)
    page.keyboard.press("Enter")
    expect(page.locator(".chips")).to_have_count(0)
    expect(page.locator("#q")).to_be_focused()


def test_a_new_search_drops_the_filters_unless_asked_to_search_within_them(page, site):
    page.goto(f"{site}/?q=פוטין")
    page.locator("#facet-person input[type=checkbox]").first.check()
    page.wait_for_url("**person=*")
    page.fill("#q", "פסקוב")
    page.press("#q", "Enter")
    page.wait_for_url("**q=*")
    assert "person" not in params(page) and params(page)["q"] == ["פסקוב"]
    expect(page.locator(".chips")).to_have_count(0)
    assert page.locator(".result").count() > 0

    page.locator("#facet-person input[type=checkbox]").first.check()
    page.wait_for_url("**person=*")
    page.fill("#q", "פוטין")
    page.check("input[name=within]")
    page.press("#q", "Enter")
    page.wait_for_url("**q=%D7%A4%D7%95%D7%98%D7%99%D7%9F*")
    assert "person" in params(page) and "within" not in params(page) and "prev_q" not in params(page)


def test_a_bad_date_is_named_in_hebrew_beside_the_results_and_dropped(page, site):
    page.goto(f"{site}/?q=פוטין&from=2015-02-30")
    page.errors.clear()  # the browser logs the page's 400 status as a console error
    expect(page.locator(".field-errors")).to_contain_text("תאריך ההתחלה אינו תקין")
    expect(page.locator(".result").first).to_be_visible()
    expect(page.locator("input[name=from]")).to_have_value("")
    shot(page, "bad-parameter")
    page.fill("#q", "פסקוב")
    page.press("#q", "Enter")
    page.wait_for_url("**q=%D7%A4%D7%A1%D7%A7%D7%95%D7%91*")
    expect(page.locator(".field-errors")).to_have_count(0)  # never sticky
    assert "from" not in params(page)


def test_the_head_feed_link_follows_an_in_place_update(page, site):
    page.goto(f"{site}/?q=פוטין")
    feed = page.locator("head link[rel=alternate][type='application/atom+xml']")
    assert "person=" not in feed.get_attribute("href")
    page.locator("#facet-person input[type=checkbox]").first.check()
    page.wait_for_url("**person=*")
    expect(feed).to_have_count(1)
    assert "person=" in feed.get_attribute("href") and "/feed.atom" in feed.get_attribute("href")
