"""Browser fixtures: Debian's Chromium driven by Playwright (``browser``, a desktop ``page`` whose
console errors fail the test) and the app on loopback over the fixtures' alias (``site``)."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from service import create_app
from service.config import Settings
from tests.browser.support import CHROMIUM, FLAGS, Server


@pytest.fixture(scope="module")
def alias(fixtures_alias):
    return fixtures_alias


@pytest.fixture(scope="module")
def site(es_url, alias):
    warm_up(es_url, alias)
    server = Server(Settings(es_url=es_url, es_index=alias))
    yield server.url
    server.stop()


def warm_up(es_url: str, alias: str) -> None:
    """The pages' searches asked once with a patient client: on a node that has just started (the
    browser tests come first in a session) the first searches can take longer than the service's
    1.5 s timeout while the node compiles and loads, and the page would rightly answer 503."""
    client = create_app(Settings(es_url=es_url, es_index=alias, es_request_timeout=60)).test_client()
    for path in ("/", "/?q=פוטין", "/api/suggest?prefix=פוט"):
        assert client.get(path).status_code == 200, path


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test setup installs Debian's chromium (make test)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="he-IL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # console errors and uncaught exceptions, checked after each test
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda dialog: page.errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield page
    errors = page.errors
    context.close()
    assert errors == [], errors
