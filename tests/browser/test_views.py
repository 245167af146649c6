"""Every view of the site at both sizes (issue 18): nothing wider than the screen, the view's own
landmark in place, and a screenshot of each in test-artifacts/screenshots/ (``<size>-<view>.png``)."""

import pytest
from playwright.sync_api import expect

from service.config import Settings
from tests.browser.support import Server, _free_port, phone, shot

SEARCH_VIEWS = {
    "home": ("/", ".result"),
    "results": ("/?q=פוטין", ".result"),
    "filtered": ("/?q=פוטין&from=2015-12-01&to=2015-12-31", ".chips"),
    "no-results": ("/?q=זברהחמוס", ".empty"),
    "bad-parameter": ("/?q=פוטין&to=2015-13-01", ".field-errors"),
    "past-the-end": ("/?q=פוטין&page=9", ".empty"),
}
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def view(request, browser, page):
    """A page at each size: the desktop fixture's, or a phone's."""
    if request.param == "desktop":
        yield "desktop", page
        return
    small = phone(browser)
    yield "phone", small
    small.context.close()


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_every_search_view_fits_and_is_recorded(view, site):
    size, page = view
    for name, (path, landmark) in SEARCH_VIEWS.items():
        page.goto(f"{site}{path}")
        expect(page.locator(landmark).first).to_be_visible()
        fits(page, WIDTHS[size])
        shot(page, f"{size}-{name}")
        if name == "bad-parameter" and hasattr(page, "errors"):
            page.errors.clear()  # the browser logs the page's 400 status as a console error


def test_the_article_and_entity_views_fit_and_are_recorded(view, site):
    size, page = view
    page.goto(f"{site}/?q=פוטין")
    page.locator(".result h2 a").first.click()
    expect(page.locator("article.article h1")).to_be_visible()
    fits(page, WIDTHS[size])
    shot(page, f"{size}-article")
    page.locator("a.profile").first.click()
    expect(page.locator("section.entity h1")).to_be_visible()
    fits(page, WIDTHS[size])
    shot(page, f"{size}-entity")


def test_the_unavailable_view_fits_and_is_recorded(view):
    size, page = view
    server = Server(Settings(es_url=f"http://127.0.0.1:{_free_port()}", es_index="anything"))
    try:
        page.goto(f"{server.url}/?q=פוטין")
        expect(page.locator(".unavailable")).to_be_visible()
        fits(page, WIDTHS[size])
        shot(page, f"{size}-unavailable")
        if hasattr(page, "errors"):
            page.errors.clear()  # the browser logs the 503 itself as a console error
    finally:
        server.stop()
