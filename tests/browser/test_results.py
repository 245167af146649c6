"""Results in a real browser (issue 18): a long title takes two lines and keeps its full text in the
link's title; "N similar" lists the group and leads back. Articles: tests/search/results_records.py."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import params, shot
from tests.conftest import indexed_alias
from tests.search.results_records import GROUPS, HUGE_TITLE, write_records


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    """This module's own articles (the ``site`` fixture serves the alias named so)."""
    with indexed_alias(es, "browser-results", [write_records(tmp_path_factory.mktemp("results"))]) as alias:
        yield alias


def test_a_long_title_takes_two_lines_and_keeps_its_full_text(page, site):
    page.goto(f"{site}/?q=קרנף&sort=newest")
    link = page.locator(".result h2 a", has_text="כותרת ארוכה מאוד").first
    expect(link).to_have_attribute("title", HUGE_TITLE)
    lines = link.evaluate(
        "a => a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)"
    )
    assert 1.5 < lines <= 2.2, lines
    assert link.evaluate("a => a.scrollHeight > a.clientHeight + 10")  # the rest is clipped, not lost
    expect(link.locator("mark").first).to_have_text("קרנף")
    shot(page, "results-long-title-and-similar")


def test_n_similar_lists_the_group_and_leads_back(page, site):
    page.goto(f"{site}/?q=קרנף&sort=oldest")
    expect(page.locator(".result")).to_have_count(5)
    link = page.locator(".result", has_text="קרנף לבן נולד בספארי").locator("a.similar")
    expect(link).to_have_text("2 כתבות דומות")
    link.click()
    page.wait_for_url("**similar=*")
    assert params(page)["q"] == ["קרנף"]
    expect(page.locator(".result")).to_have_count(len(GROUPS["wire"]))
    expect(page.locator(".result a.similar")).to_have_count(0)
    expect(page.locator(".similar-view")).to_contain_text("כתבות דומות")
    shot(page, "results-similar-group")
    page.locator(".similar-view a").click()
    page.wait_for_url(lambda url: "similar=" not in url)
    expect(page.locator(".result")).to_have_count(5)


def test_more_of_the_article_links_its_page(page, site):
    page.goto(f"{site}/?q=הקרנף")
    more = page.locator(".result", has_text="מסע בעקבות").locator("a.more-snippets")
    expect(more).to_have_text("עוד מהכתבה")
    more.click()
    page.wait_for_url("**/articles/long*")
    expect(page.locator("h1")).to_have_text("מסע בעקבות הקרנף האחרון")
