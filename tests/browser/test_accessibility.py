"""axe-core (the `axe-playwright-python` package ships it) on every kind of page, at desktop and
phone sizes: no serious or critical violation (issue 18)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from service.config import Settings
from tests.browser.support import Server, _free_port, phone

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def violations(axe, page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v.get("impact") in BLOCKING
    ]


def article_and_entity_paths(page, site) -> tuple[str, str]:
    page.goto(f"{site}/?q=פוטין")
    article = page.locator(".result h2 a").first.get_attribute("href")
    page.goto(f"{site}{article}")
    entity = page.locator("a.profile").first.get_attribute("href")
    return article, entity


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_serious_violation_on_any_page(axe, browser, page, site, size):
    article, entity = article_and_entity_paths(page, site)
    view = page if size == "desktop" else phone(browser)
    paths = ["/", "/?q=פוטין", "/?q=פוטין&person=person:nobody-at-all&from=2015-01-01", article, entity]
    found = {}
    for path in paths:
        view.goto(f"{site}{path}")
        found[path] = violations(axe, view)
    if size == "phone":
        view.goto(f"{site}/?q=פוטין")
        view.locator(".filters-toggle").click()
        found["drawer"] = violations(axe, view)
        view.context.close()
    assert {path: v for path, v in found.items() if v} == {}


def test_no_serious_violation_on_the_unavailable_page(axe, page):
    server = Server(Settings(es_url=f"http://127.0.0.1:{_free_port()}", es_index="anything"))
    try:
        page.goto(f"{server.url}/?q=פוטין")
        page.errors.clear()  # the browser logs the 503 itself as a console error
        assert violations(axe, page) == []
    finally:
        server.stop()
